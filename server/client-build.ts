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
  for (const p of ['client', 'protocol', 'vite.config.ts', 'package.json']) walk(path.join(root, p));
  return newest;
}

export function clientBuildIsFresh(root: string, outDir: string): boolean {
  const stamp = path.join(outDir, STAMP);
  if (!existsSync(path.join(outDir, 'index.html')) || !existsSync(stamp)) return false;
  // A package installed without its client sources ships a prebuilt client: keep it.
  if (!existsSync(path.join(root, 'client'))) return true;
  return statSync(stamp).mtimeMs >= newestSource(root);
}

export async function ensureClientBuilt(root: string, outDir: string, opts: { force?: boolean; log: (msg: string) => void }): Promise<void> {
  if (!opts.force && clientBuildIsFresh(root, outDir)) return;
  opts.log('Building the browser client (first start, or its sources changed; a few seconds)…');
  const started = Date.now();
  const { build } = await import('vite');
  await build({ root: path.join(root, 'client'), configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir } });
  writeFileSync(path.join(outDir, STAMP), new Date().toISOString() + '\n');
  opts.log(`Client built in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}
