// Child processes for the packaging tests: each one is bounded by a timeout, and each long-lived
// one is stopped by its own process group id (never by name).
import { spawn } from "node:child_process";

/**
 * Runs a command to its end. Resolves with its exit code and output; rejects only if it cannot
 * start. Killed (and `timedOut` set) after `timeout` ms.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeout?: number, input?: string }} [options]
 */
export function run(command, args, { cwd, env, timeout = 120_000, input } = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, "SIGKILL");
    }, timeout);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, ms: Date.now() - started });
    });
    child.stdin.end(input ?? "");
  });
}

/** Like `run`, but rejects with the output when the exit code is not 0. */
export async function runOk(command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} exited with ${result.code ?? result.signal}${result.timedOut ? " (timed out)" : ""}\n` +
        `--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}

/**
 * Starts a long-lived command and waits until its output matches `ready` (at most `timeout` ms).
 * Returns the match, `stop()`, which ends the command's process group and waits for it, and
 * `interrupt()`.
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, ready: RegExp, timeout?: number }} options
 */
export function start(command, args, { cwd, env, ready, timeout = 60_000 }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let settled = false;
    /** @type {Promise<number | null>} */
    const exited = new Promise((done) => child.once("close", (code) => done(code)));
    const stop = async () => {
      killGroup(child.pid, "SIGTERM");
      const forced = setTimeout(() => killGroup(child.pid, "SIGKILL"), 3000);
      await exited;
      clearTimeout(forced);
    };
    const fail = (message) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stop().then(() => reject(new Error(`${message}\n--- output\n${output}`)));
    };
    const timer = setTimeout(() => fail(`${command} ${args.join(" ")}: not ready after ${timeout} ms`), timeout);
    const onData = (chunk) => {
      output += chunk;
      const match = output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "").match(ready);
      if (match && !settled) {
        settled = true;
        clearTimeout(timer);
        // `interrupt` is Ctrl-C: SIGINT to the command alone; resolves with its exit code.
        const interrupt = () => {
          child.kill("SIGINT");
          const forced = setTimeout(() => killGroup(child.pid, "SIGKILL"), 5000);
          return exited.finally(() => clearTimeout(forced));
        };
        resolve({ match, stop, interrupt, output: () => output });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", (error) => fail(String(error)));
    child.once("close", (code) => fail(`${command} ${args.join(" ")} exited with ${code} before it was ready`));
  });
}

function killGroup(pid, signal) {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
