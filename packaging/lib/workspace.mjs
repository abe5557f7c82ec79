// The throwaway projects of the packaging tests, and their install cache.
//
// Everything lives in one work folder outside the repository (PACKAGING_DIR, default
// $TMPDIR/rust-eventsource-packaging): the packed tarball under tarballs/, named by its hash, and
// one folder per project of packaging/projects/. A project's node_modules is kept between runs
// and reinstalled only when its package.json or the tarball changed (a stamp file says which it
// was installed for); installs use `npm install --prefer-offline`, so a new tarball costs a few
// seconds, not a download of Vite and webpack.
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { runOk } from "./processes.mjs";

export const REPO = fileURLToPath(new URL("../..", import.meta.url));
export const WORK = process.env.PACKAGING_DIR ?? join(tmpdir(), "rust-eventsource-packaging");
const PROJECTS = join(REPO, "packaging", "projects");

const sha256 = (data) => createHash("sha256").update(data).digest("hex");

/**
 * `npm pack ./pkg` into the work folder. Returns the tarball's path, hash and `npm pack`'s
 * report (name, files with sizes, ...), which is what `npm pack --dry-run` lists too.
 */
export async function pack() {
  const tarballs = join(WORK, "tarballs");
  const staging = join(tarballs, `staging-${process.pid}`);
  mkdirSync(staging, { recursive: true });
  const { stdout, stderr } = await runOk("npm", ["pack", join(REPO, "pkg"), "--pack-destination", staging, "--json"], {
    cwd: REPO,
  });
  const report = JSON.parse(stdout)[0];
  const packed = join(staging, report.filename);
  const hash = sha256(readFileSync(packed)).slice(0, 16);
  const path = join(tarballs, `rust-eventsource-${hash}.tgz`);
  renameSync(packed, path);
  rmSync(staging, { recursive: true, force: true });
  // Older tarballs are never needed again: a project installed from one is reinstalled.
  for (const name of readdirSync(tarballs)) {
    if (name !== `rust-eventsource-${hash}.tgz` && name.endsWith(".tgz")) rmSync(join(tarballs, name), { force: true });
  }
  return { path, hash, report, warnings: stderr };
}

/**
 * Lays out project `name` in the work folder (its files from packaging/projects/NAME, plus
 * `copies`: { targetDir: sourceDirUnderProjects }) and installs the tarball into it, unless its
 * node_modules is already installed for the same package.json and tarball.
 * @param {string} name
 * @param {{ path: string, hash: string }} tarball
 * @param {Record<string, string>} [copies]
 */
export async function project(name, tarball, copies = {}) {
  const dir = join(WORK, name);
  mkdirSync(dir, { recursive: true });
  // Fresh sources every run; node_modules and the lockfile stay.
  for (const entry of readdirSync(dir)) {
    if (entry !== "node_modules" && entry !== "package-lock.json")
      rmSync(join(dir, entry), { recursive: true, force: true });
  }
  cpSync(join(PROJECTS, name), dir, { recursive: true });
  for (const [target, source] of Object.entries(copies))
    cpSync(join(PROJECTS, source), join(dir, target), { recursive: true });

  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  manifest.dependencies = { ...manifest.dependencies, "rust-eventsource": `file:${relative(dir, tarball.path)}` };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  writeFileSync(join(dir, "package.json"), text);

  const stampFile = join(dir, "node_modules", ".packaging-stamp");
  const stamp = sha256(text + tarball.hash);
  if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) return { dir, installed: false, ms: 0 };
  const { ms } = await runOk("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir,
    timeout: 300_000,
  });
  writeFileSync(stampFile, stamp);
  return { dir, installed: true, ms };
}
