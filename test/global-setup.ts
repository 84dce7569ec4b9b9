/**
 * Runs once before the tests: builds the browser client when the end-to-end tests will need it
 * (skipped when the build is fresh), so e2e tests serve exactly what `npm start` would.
 */
import path from 'node:path';
import { ensureClientBuilt } from '../server/client-build.ts';

export default async function setup(): Promise<void> {
  // For quick runs of unit or integration files only: LINETWIN_SKIP_CLIENT_BUILD=1 npx vitest run test/unit
  if (process.env.LINETWIN_SKIP_CLIENT_BUILD === '1') return;
  const root = path.resolve(import.meta.dirname, '..');
  await ensureClientBuilt(root, path.join(root, 'dist', 'client'), { log: (m) => console.log(`[global-setup] ${m}`) });
}
