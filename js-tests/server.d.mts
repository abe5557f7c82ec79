/** The running SSE test server of js-tests/server.mjs. */
export interface TestServer {
  /** http://127.0.0.1:A */
  origin: string;
  /** http://127.0.0.1:B: same site as `origin`, another origin. */
  crossOrigin: string;
  /** Stops both listeners and destroys open connections. */
  close(): Promise<void>;
}

/** Starts the server on two loopback ports. */
export function startServer(): Promise<TestServer>;
