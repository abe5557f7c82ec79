import type { IncomingMessage, Server, ServerResponse } from "node:http";

/** The bearer token the demo feed accepts: `Authorization: Bearer demo-token`. */
export declare const DEMO_TOKEN: "demo-token";

/** Options of {@link startDemoServer}. All are optional. */
export interface DemoServerOptions {
  /** Default `0`: any free port. */
  port?: number;
  /** Default `"127.0.0.1"`. */
  host?: string;
  /** Milliseconds between two feed events. Default `250`. */
  interval?: number;
  /** Events per feed connection before the server drops it (to show reconnection). Default `10`. */
  dropAfter?: number;
  /** Milliseconds between two tokens of a /complete answer. Default `40`. */
  tokenInterval?: number;
  /** Handles every request other than `GET /feed`, `POST /complete` and preflights. Default: 404. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => void;
}

/** A running demo server. */
export interface DemoServer {
  /** e.g. `http://127.0.0.1:41234` */
  readonly origin: string;
  readonly server: Server;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * Starts the demo SSE server (Node only): `GET /feed`, an authenticated live feed whose
 * connections drop every `dropAfter` events, and `POST /complete`, a reply streamed token by token.
 */
export declare function startDemoServer(options?: DemoServerOptions): Promise<DemoServer>;
