/**
 * linetwin command line: the composition root. Parses options, loads the scene, builds the client
 * when needed, wires source → hub → Socket.IO and serves it.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { createHub } from './hub/twin-hub.ts';
import { History } from './hub/history.ts';
import { createApp } from './app.ts';
import { loadSceneFile, resolveScenePath, SceneLoadError, listSceneIds } from './scene-loader.ts';
import { ensureClientBuilt } from './client-build.ts';
import { createSimulatorSource } from './sources/simulator/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scenesDir = path.join(root, 'scenes');
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

export const options = {
  port: { type: 'string', default: process.env.PORT ?? '8080', help: 'HTTP port (env PORT)' },
  host: { type: 'string', default: '0.0.0.0', help: 'interface to listen on (0.0.0.0: all; 127.0.0.1: this machine only)' },
  scene: { type: 'string', default: 'demo-plant', help: 'scene id from scenes/, or a path to a scene.json' },
  seed: { type: 'string', default: '1', help: 'simulator random seed (same seed, same event stream)' },
  speed: { type: 'string', default: '1', help: 'simulated seconds per real second (e.g. 10 runs ten times faster)' },
  warmup: { type: 'string', default: '14400', help: 'simulated seconds run silently before serving, so the line is full' },
  history: { type: 'string', default: '7200', help: 'seconds of live history kept for scrubbing back (0: none)' },
  tick: { type: 'string', default: '50', help: 'hub tick in ms: deltas are coalesced and sent this often (50 = 20 Hz)' },
  'log-level': { type: 'string', default: 'info', help: 'fatal, error, warn, info, debug or silent' },
  build: { type: 'boolean', default: false, help: 'rebuild the browser client before serving' },
  'no-build': { type: 'boolean', default: false, help: 'serve without building the browser client (API and Socket.IO only if it is missing)' },
  'check-scene': { type: 'boolean', default: false, help: 'validate the scene, print the result and exit (status 2 when invalid)' },
  help: { type: 'boolean', short: 'h', default: false, help: 'show this help' },
  version: { type: 'boolean', short: 'v', default: false, help: 'print the version' },
} as const;

export function helpText(): string {
  const lines = Object.entries(options).map(([name, o]) => {
    const flag = `--${name}${o.type === 'string' ? ' VALUE' : ''}`;
    const def = o.type === 'string' && name !== 'port' ? ` (default ${o.default})` : name === 'port' ? ' (default 8080)' : '';
    return `  ${flag.padEnd(22)} ${o.help}${def}`;
  });
  return [
    `linetwin ${version}: a web digital twin of a car assembly line`,
    '',
    'Usage: linetwin [options]     (npm start -- [options])',
    '',
    'Serves the 3D twin at http://localhost:PORT on the built-in simulator of the chosen scene.',
    '',
    'Options:',
    ...lines,
    '',
    `Scenes in ${path.relative(process.cwd(), scenesDir) || scenesDir}: ${listSceneIds(scenesDir).join(', ') || '(none)'}`,
    'Docs: README.md; scene format: docs/scene-format.md',
  ].join('\n');
}

class UsageError extends Error {}

function number(name: string, value: string, { min, max, integer = false }: { min: number; max: number; integer?: boolean }): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max)
    throw new UsageError(`--${name} expects ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${value}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    const parseOptions = Object.fromEntries(Object.entries(options).map(([name, { help: _help, ...o }]) => [name, o])) as ParseArgsConfig['options'];
    ({ values } = parseArgs({ args: argv, options: parseOptions, strict: true, allowPositionals: false }));
  } catch (e) {
    process.stderr.write(`linetwin: ${(e as Error).message}\nRun linetwin --help for the options.\n`);
    return 2;
  }
  const v = values as Record<string, string | boolean>;
  if (v.help) {
    process.stdout.write(helpText() + '\n');
    return 0;
  }
  if (v.version) {
    process.stdout.write(version + '\n');
    return 0;
  }
  let port: number, seed: number, speed: number, warmup: number, tickMs: number, historyS: number;
  try {
    port = number('port', v.port as string, { min: 0, max: 65535, integer: true });
    seed = number('seed', v.seed as string, { min: 0, max: 2 ** 31 - 1, integer: true });
    speed = number('speed', v.speed as string, { min: 0.01, max: 1000 });
    warmup = number('warmup', v.warmup as string, { min: 0, max: 7 * 24 * 3600 });
    tickMs = number('tick', v.tick as string, { min: 10, max: 5000, integer: true });
    historyS = number('history', v.history as string, { min: 0, max: 7 * 24 * 3600 });
    if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(v['log-level'] as string))
      throw new UsageError(`--log-level expects fatal, error, warn, info, debug or silent, got "${v['log-level']}"`);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`linetwin: ${e.message}\n`);
    return 2;
  }

  let scene;
  try {
    const file = resolveScenePath(v.scene as string, scenesDir);
    scene = loadSceneFile(file);
    if (v['check-scene']) {
      process.stdout.write(`${file}: valid scene "${scene.id}" (${scene.stations.length} stations, ${scene.robots.length} robots, ${scene.conveyors.length} conveyors)\n`);
      return 0;
    }
  } catch (e) {
    if (!(e instanceof SceneLoadError)) throw e;
    process.stderr.write(`linetwin: invalid scene\n${e.message}\n`);
    return 2;
  }

  const log = pino({ level: v['log-level'] as string, base: undefined });
  const outDir = path.join(root, 'dist', 'client');
  if (!v['no-build']) {
    try {
      await ensureClientBuilt(root, outDir, { force: v.build as boolean, log: (m) => process.stdout.write(m + '\n') });
    } catch (e) {
      process.stderr.write(`linetwin: building the browser client failed: ${(e as Error).message}\nRun "npm run build" to see the full output.\n`);
      return 1;
    }
  }

  const hub = createHub({
    scene,
    tickMs,
    onReject: rateLimited((change, reason, detail) => log.warn({ reason, detail }, 'change rejected')),
  });
  // Start the simulated clock in the past so that, after the warm-up, simulated time is now.
  const source = createSimulatorSource(scene, { seed, speed, warmup, startTime: Date.now() - warmup * 1000 });
  const history = historyS > 0 ? new History({ scene, retentionMs: historyS * 1000 }) : null;
  const app = createApp({ hub, sources: [source], staticDir: outDir, logger: log, history, liveSource: true });
  let bound: number;
  try {
    bound = await app.listen(port, v.host as string);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EADDRINUSE' ? `port ${port} is already in use; pass --port with a free port` : err.message;
    process.stderr.write(`linetwin: cannot listen: ${why}\n`);
    await app.close().catch(() => undefined);
    return 1;
  }
  process.stdout.write(`linetwin ${version}: scene "${scene.id}" on the simulator (seed ${seed}, speed ×${speed})\nOpen http://localhost:${bound}\n`);
  log.info({ port: bound, scene: scene.id, epoch: hub.epoch }, 'serving');

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log.info('shutting down');
  await app.close();
  return 0;
}

/** Logs at most once a second; counts what it dropped. */
function rateLimited<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void {
  let last = 0;
  return (...args: A) => {
    const now = Date.now();
    if (now - last < 1000) return;
    last = now;
    fn(...args);
  };
}

process.exitCode = await main(process.argv.slice(2));
