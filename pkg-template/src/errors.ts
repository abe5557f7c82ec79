// The one error class of the package, and the one place where the Rust side's failure objects
// (`{ kind, message, status?, statusText?, body?, cause? }`, see src/bindings.rs) become errors.
import type { SseErrorKind } from "./types.js";

/** The extra fields of an {@link SseError}. */
export interface SseErrorDetails {
  status?: number;
  statusText?: string;
  body?: string;
  cause?: unknown;
}

/** The error a failed source rejects its pending step with; `kind` says which failure it was. */
export class SseError extends Error {
  declare readonly name: "SseError";
  /** Which failure: see the README's "Errors" section. */
  declare readonly kind: SseErrorKind;
  /** For kind `"status"`: the response status. */
  declare readonly status?: number;
  /** For kind `"status"`: the response status text. */
  declare readonly statusText?: string;
  /** For kind `"status"`: the first 64 KiB of the response body. */
  declare readonly body?: string;
  /** For kind `"network"`: what failed underneath (fetch's error, a stream's error). */
  declare readonly cause?: unknown;

  constructor(kind: SseErrorKind, message: string, details: SseErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    // Own properties only for the fields this kind has, in this order (as logged and compared).
    this.name = "SseError";
    this.kind = kind;
    if (details.status !== undefined) this.status = details.status;
    if (details.statusText !== undefined) this.statusText = details.statusText;
    if (details.body !== undefined) this.body = details.body;
  }
}

/** A failure as the Rust side rejects with it. */
interface Failure extends SseErrorDetails {
  kind: SseErrorKind | "callback" | "option";
  message: string;
}

function isFailure(error: unknown): error is Failure {
  return typeof error === "object" && error !== null && typeof (error as { kind?: unknown }).kind === "string";
}

/**
 * What a failed step rejects with: an SseError, the caller's own error from a callback, or a
 * TypeError for a callback's answer that no option allows (onRetry returning "1000").
 */
export function toSseError(error: unknown): unknown {
  if (error instanceof SseError) return error;
  if (isFailure(error)) {
    if (error.kind === "callback") return error.cause;
    // The same error the constructor throws for a wrong option, with the package prefix once.
    if (error.kind === "option") return new TypeError(`rust-eventsource: ${error.message}`);
    return new SseError(error.kind, error.message, error);
  }
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return new SseError("network", String(message ?? error), { cause: error });
}
