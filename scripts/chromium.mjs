// The one place that says how this project starts Chromium: Debian's /usr/bin/chromium (set
// CHROMIUM_PATH to use another), headless, with the flags this machine kind needs. Without the
// background-networking flags, Chromium's own connections are refused by the closed network.
// Playwright refuses --user-data-dir, so there is none.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
