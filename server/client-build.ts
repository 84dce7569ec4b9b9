/**
 * Builds the browser client on first start (and after the client's sources change), so
 * `npm install && npm start` works with no separate build step. Later starts skip it.
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const STAMP = '.linetwin-build';

/** Newest modification time of the files the client bundle is built from. */
function newestSource(root: string): number {
  let newest = 0;
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  // The recipe too (this file): a build made by an older recipe is rebuilt.
  for (const p of ['client', 'protocol', 'vite.config.ts', 'package.json', 'server/client-build.ts']) walk(path.join(root, p));
  return newest;
}

export function clientBuildIsFresh(root: string, outDir: string): boolean {
  const stamp = path.join(outDir, STAMP);
  if (!existsSync(path.join(outDir, 'index.html')) || !existsSync(stamp)) return false;
  // A package installed without its client sources ships a prebuilt client: keep it.
  if (!existsSync(path.join(root, 'client'))) return true;
  return statSync(stamp).mtimeMs >= newestSource(root);
}

/**
 * A production build of the Vite project at `root` with the app's config, whatever NODE_ENV the calling process
 * has. Vite keeps a NODE_ENV that is already set, and a test runner sets "test": React and the rest would be
 * bundled in their development builds (twice the size, slower, and not what a user is served).
 */
export async function viteBuildProduction(root: string, configFile: string, build: { outDir: string; emptyOutDir?: boolean }, logLevel: 'warn' | 'silent' = 'warn'): Promise<void> {
  const vite = await import('vite');
  const before = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await vite.build({ root, configFile, mode: 'production', logLevel, build });
  } finally {
    if (before === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = before;
  }
}

export async function ensureClientBuilt(root: string, outDir: string, opts: { force?: boolean; log: (msg: string) => void }): Promise<void> {
  if (!opts.force && clientBuildIsFresh(root, outDir)) return;
  opts.log('Building the browser client (first start, or its sources changed; a few seconds)…');
  const started = Date.now();
  await viteBuildProduction(path.join(root, 'client'), path.join(root, 'vite.config.ts'), { outDir });
  writeFileSync(path.join(outDir, STAMP), new Date().toISOString() + '\n');
  opts.log(`Client built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
