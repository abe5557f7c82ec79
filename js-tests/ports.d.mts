/** A loopback port that was free a moment ago; nothing listens on it now. */
export function freePort(): Promise<number>;
