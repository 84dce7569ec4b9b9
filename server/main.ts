/**
 * linetwin command line: the composition root. Parses options, loads the scene, builds the client
 * when needed, wires source → hub → Socket.IO and serves it.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { accessSync, constants as fsConstants, readFileSync } from 'node:fs';
import { pino } from 'pino';
import { createHub } from './hub/twin-hub.ts';
import { History } from './hub/history.ts';
import { createApp } from './app.ts';
import { loadSceneFile, resolveScenePath, SceneLoadError, listSceneIds } from './scene-loader.ts';
import { ensureClientBuilt } from './client-build.ts';
import { createSimulatorSource } from './sources/simulator/index.ts';
import { createReplaySource } from './sources/replay/index.ts';
import type { Source } from './sources/source.ts';
import { createLiveSources, liveSourceOptions } from './sources/live-options.ts';
import { roles, tokenAuth, type Role } from './auth/roles.ts';
import { joinCluster, RedisUnavailable } from './cluster/redis-node.ts';
import { readRecording, RecordingError, type LoadedRecording } from './recording/reader.ts';
import { startRecorder, type Recorder } from './recording/recorder.ts';
import { CsvImportError, readCsvLog, writeRecordingFromChanges } from './recording/csv-import.ts';
import type { ResolvedScene } from '../protocol/scene.ts';
import { existsSync, mkdtempSync } from 'node:fs';
import { DEMO_RECORDING, ensureDemoRecording, recordingsDir } from './recording/demo-recording.ts';
import { tmpdir } from 'node:os';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scenesDir = path.join(root, 'scenes');
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

export const options = {
  port: { type: 'string', arg: 'N', default: process.env.PORT ?? '8080', help: 'HTTP port (env PORT)' },
  host: { type: 'string', arg: 'ADDR', default: '0.0.0.0', help: 'interface to listen on (0.0.0.0: all; 127.0.0.1: this machine only)' },
  scene: { type: 'string', arg: 'ID|PATH', default: 'demo-plant', help: 'scene id from scenes/, or a path to a scene.json' },
  seed: { type: 'string', arg: 'N', default: '1', help: 'simulator random seed (same seed, same event stream)' },
  speed: { type: 'string', arg: 'X', default: '1', help: 'simulated seconds per real second (e.g. 10 runs ten times faster)' },
  warmup: { type: 'string', arg: 'SECONDS', default: '14400', help: 'simulated seconds run before serving, so the line is full' },
  backfill: { type: 'string', arg: 'SECONDS', default: '3600', help: 'the last SECONDS of the warm-up go into history and the KPIs, so they have data from the start (0: none; at most --warmup)' },
  ...liveSourceOptions,
  record: { type: 'string', arg: 'FILE', help: 'record every change to FILE (.jsonl, or .jsonl.gz compressed)' },
  replay: { type: 'string', arg: 'FILE', help: 'play a recording (.jsonl, .jsonl.gz), a CSV event log, or "demo-shift" (a simulated shift, made on first use) instead of the simulator' },
  'replay-speed': { type: 'string', arg: 'X', default: '1', help: 'replay speed, 0.25 to 120' },
  'no-loop': { type: 'boolean', default: false, help: 'stop at the end of a replay instead of starting over' },
  out: { type: 'string', arg: 'FILE', help: 'with "import": the recording to write (.jsonl or .jsonl.gz)' },
  strict: { type: 'boolean', default: false, help: 'with "import" or a CSV --replay: stop at the first bad line' },
  history: { type: 'string', arg: 'SECONDS', default: '7200', help: 'seconds of live history kept for scrubbing back (0: none)' },
  'history-mb': { type: 'string', arg: 'MB', default: '1024', help: 'at most this much memory for the live history: a large plant keeps fewer minutes (logged once)' },
  tick: { type: 'string', arg: 'MS', default: '50', help: 'hub tick in ms: deltas are coalesced and sent this often (50 = 20 Hz)' },
  redis: { type: 'string', arg: 'URL', help: 'run as one of several nodes sharing state over Redis, e.g. redis://127.0.0.1:6379; this node ingests the sources' },
  follow: { type: 'boolean', default: false, help: 'with --redis: serve clients from the state another node ingests (no sources here)' },
  'allowed-origin': { type: 'string', arg: 'ORIGIN', multiple: true, help: 'a browser origin allowed to connect besides the page\'s own, e.g. https://wall.example; repeatable; * for any' },
  'token-secret': { type: 'string', arg: 'SECRET', help: 'secret for signed role tokens (prefer env LINETWIN_TOKEN_SECRET); without it everyone is a viewer' },
  role: { type: 'string', arg: 'ROLE', default: 'presenter', help: 'with "token": viewer, presenter or admin' },
  'log-level': { type: 'string', arg: 'LEVEL', default: 'info', help: 'fatal, error, warn, info, debug or silent' },
  build: { type: 'boolean', default: false, help: 'rebuild the browser client before serving' },
  'no-build': { type: 'boolean', default: false, help: 'serve without building the browser client (API and Socket.IO only if it is missing)' },
  'check-scene': { type: 'boolean', default: false, help: 'validate the scene, print the result and exit (status 2 when invalid)' },
  help: { type: 'boolean', short: 'h', default: false, help: 'show this help' },
  version: { type: 'boolean', short: 'v', default: false, help: 'print the version' },
} as const;

export function helpText(): string {
  const lines = Object.entries(options as Record<string, { type: string; default?: unknown; help: string; arg?: string }>).map(([name, o]) => {
    const meta = o.arg ? ` ${o.arg}` : '';
    const def = o.default !== undefined && o.type === 'string' ? ` (default ${name === 'port' ? '8080' : String(o.default)})` : '';
    return `  ${`--${name}${meta}`.padEnd(24)} ${o.help}${def}`;
  });
  return [
    `linetwin ${version}: a web digital twin of a car assembly line`,
    '',
    'Usage: linetwin [options]                       (npm start -- [options])',
    '       linetwin import LOG.csv --out FILE.jsonl.gz [--scene ID] [--strict]',
    '       linetwin token [--role presenter] [--token-secret S]   (prints a signed role token)',
    '',
    'Serves the 3D twin at http://localhost:PORT on the built-in simulator of the chosen scene,',
    'or replays a recording (--replay). "import" converts a CSV station event log to a recording.',
    '',
    'Options:',
    ...lines,
    '',
    `Scenes in ${path.relative(process.cwd(), scenesDir) || scenesDir}: ${listSceneIds(scenesDir).join(', ') || '(none)'}`,
    'Docs: README.md; scene format: docs/scene-format.md',
  ].join('\n');
}

class UsageError extends Error {}

/** A file the server will write (a recording): its folder must exist and take files, or nothing is started. */
function writableFile(option: string, file: string): void {
  const dir = path.dirname(path.resolve(file));
  try {
    accessSync(dir, fsConstants.W_OK);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'there is no such folder' : 'this user may not write there';
    throw new UsageError(`${option} ${file}: cannot write in ${dir}: ${why}`);
  }
}

function number(name: string, value: string, { min, max, integer = false }: { min: number; max: number; integer?: boolean }): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max)
    throw new UsageError(`--${name} expects ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${value}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  let values;
  let positionals: string[] = [];
  try {
    const parseOptions = Object.fromEntries(Object.entries(options).map(([name, { help: _help, ...o }]) => [name, o])) as ParseArgsConfig['options'];
    ({ values, positionals } = parseArgs({ args: argv, options: parseOptions, strict: true, allowPositionals: true }));
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
  const command = positionals[0];
  const tokenSecret = (v['token-secret'] as string | undefined) ?? process.env.LINETWIN_TOKEN_SECRET;
  if (command === 'token' && positionals.length === 1) {
    const role = v.role as string;
    if (!(roles as readonly string[]).includes(role)) {
      process.stderr.write(`linetwin: --role expects one of ${roles.join(', ')}, got "${role}"\n`);
      return 2;
    }
    try {
      process.stdout.write((await tokenAuth(tokenSecret).sign(role as Role)) + '\n');
      return 0;
    } catch (e) {
      process.stderr.write(`linetwin: ${(e as Error).message}\n`);
      return 2;
    }
  }
  if (command !== undefined && (command !== 'import' || positionals.length !== 2)) {
    process.stderr.write(command === 'import' ? 'linetwin: usage: linetwin import LOG.csv --out FILE.jsonl.gz [--scene ID] [--strict]\n' : `linetwin: unexpected argument "${command}"; run linetwin --help\n`);
    return 2;
  }
  let port: number, seed: number, speed: number, warmup: number, backfill: number, tickMs: number, historyS: number, historyMb: number, replaySpeed: number;
  try {
    port = number('port', v.port as string, { min: 0, max: 65535, integer: true });
    seed = number('seed', v.seed as string, { min: 0, max: 2 ** 31 - 1, integer: true });
    speed = number('speed', v.speed as string, { min: 0.01, max: 1000 });
    warmup = number('warmup', v.warmup as string, { min: 0, max: 7 * 24 * 3600 });
    backfill = Math.min(warmup, number('backfill', v.backfill as string, { min: 0, max: 7 * 24 * 3600 }));
    tickMs = number('tick', v.tick as string, { min: 10, max: 5000, integer: true });
    historyS = number('history', v.history as string, { min: 0, max: 7 * 24 * 3600 });
    historyMb = number('history-mb', v['history-mb'] as string, { min: 16, max: 1_000_000 });
    replaySpeed = number('replay-speed', v['replay-speed'] as string, { min: 0.25, max: 120 });
    if (command === 'import' && !v.out) throw new UsageError('import needs --out FILE.jsonl.gz (the recording to write)');
    if (command === 'import') writableFile('--out', v.out as string);
    if (v.record) writableFile('--record', v.record as string);
    if (v.record && v.replay) throw new UsageError('--record and --replay together would copy a recording; use one');
    if (v.mqtt && v.replay) throw new UsageError('--mqtt and --replay are two different sources; use one');
    if (v.follow && !v.redis) throw new UsageError('--follow needs --redis URL (the node to follow publishes there)');
    if (v.follow && (v.mqtt || v.replay || v.record)) throw new UsageError('a --follow node has no sources of its own: drop --mqtt, --replay and --record');
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

  if (command === 'import') return importCsv(positionals[1], v.out as string, scene, v.strict as boolean);

  let replay: LoadedRecording | null = null;
  if (v.replay) {
    try {
      replay = await loadReplay(v.replay as string, scene, v.strict as boolean);
    } catch (e) {
      if (!(e instanceof RecordingError || e instanceof CsvImportError)) throw e;
      process.stderr.write(`linetwin: cannot replay: ${e.message}\n`);
      return 2;
    }
  }

  const log = pino({ level: v['log-level'] as string, base: undefined });
  let live: Source[];
  try {
    live = createLiveSources(v, scene, (msg, detail) => log[(detail as { severity?: 'info' | 'warn' | 'error' }).severity ?? 'warn'](detail, msg));
  } catch (e) {
    process.stderr.write(`linetwin: ${(e as Error).message}\n`);
    return 2;
  }
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
  let sources: Source[];
  let history: History | null;
  if (replay) {
    sources = [createReplaySource(replay.history, { speed: replaySpeed, loop: !v['no-loop'], tickMs, target: path.basename(v.replay as string) })];
    history = replay.history;
  } else {
    // Start the simulated clock in the past so that, after the warm-up, simulated time is now.
    sources = live.length > 0 ? live : [createSimulatorSource(scene, { seed, speed, warmup, backfill, startTime: Date.now() - warmup * 1000 })];
    history =
      historyS > 0
        ? new History({
            scene,
            retentionMs: historyS * 1000,
            maxBytes: historyMb * 1e6,
            onBytesLimit: (keptMs) => {
              const keptMinutes = Math.round(keptMs / 60_000);
              log.warn({ historyMB: historyMb, keptMinutes, historyS }, `live history: ${historyMb} MB reached after ${formatSpan(keptMinutes * 60)} of the ${formatSpan(historyS)} asked for; keeping the newest that fit (raise --history-mb for more)`);
            },
          })
        : null;
  }
  let cluster: Awaited<ReturnType<typeof joinCluster>> | null = null;
  if (v.redis) {
    try {
      cluster = await joinCluster(v.redis as string, `linetwin:${scene.id}`, v.follow ? 'follower' : 'ingest', rateLimited((e: Error) => log.warn({ err: e.message }, 'redis')));
    } catch (e) {
      if (!(e instanceof RedisUnavailable)) throw e;
      process.stderr.write(`linetwin: ${e.message}\n`);
      return 1;
    }
    if (v.follow) {
      sources = [];
      // A follower mirrors another node's state; its own history would break when that node restarts.
      history = null;
    }
  }
  // The simulator backfills when it is the source (not a replay, live data or a follower).
  const backfilling = backfill > 0 && sources.some((s) => s.kind === 'simulator');
  const backfillText = `Simulating the last ${formatSpan(backfill)} of the warm-up into history and the KPIs…`;
  // On a terminal the line counts up (a plant ten times the demo takes a quarter of a minute); elsewhere it is written once.
  const backfillProgress = backfilling && process.stdout.isTTY ? (done: number) => process.stdout.write(`\r${backfillText} ${Math.round(done * 100)} %`) : null;
  const source = sources[0];
  const app = createApp({
    adapter: cluster?.adapter,
    follower: Boolean(v.follow),
    cluster: cluster ? () => cluster!.health() : undefined,
    hub,
    sources,
    staticDir: outDir,
    assetsDir: path.join(root, 'assets'),
    logger: log,
    history,
    liveSource: !replay,
    allowedOrigins: (v['allowed-origin'] as unknown as string[] | undefined) ?? [],
    auth: tokenAuth(tokenSecret),
    onBackfillProgress: backfillProgress ?? undefined,
  });
  const listenStarted = performance.now();
  if (backfilling) process.stdout.write(backfillProgress ? backfillText : `${backfillText}\n`);
  let bound: number;
  try {
    bound = await app.listen(port, v.host as string);
    if (backfillProgress) process.stdout.write('\n');
    if (backfilling) process.stdout.write(`History and KPIs ready in ${((performance.now() - listenStarted) / 1000).toFixed(1)} s.\n`);
  } catch (e) {
    if (backfillProgress) process.stdout.write('\n');
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EADDRINUSE' ? `port ${port} is already in use; pass --port with a free port` : err.message;
    process.stderr.write(`linetwin: cannot listen: ${why}\n`);
    await app.close().catch(() => undefined);
    return 1;
  }
  cluster?.start(hub);
  let recorder: Recorder | null = null;
  if (v.record) {
    try {
      recorder = startRecorder(hub, v.record as string, { source: source.kind, onError: (err) => log.error({ err: err.message }, 'recording stopped: cannot write') });
    } catch (e) {
      process.stderr.write(`linetwin: cannot record to ${v.record}: ${(e as Error).message}\n`);
    }
  }
  const what = v.follow
    ? `following the node that ingests over ${v.redis}`
    : replay
    ? `replaying ${path.basename(v.replay as string)} (×${replaySpeed}${v['no-loop'] ? '' : ', looping'})`
    : live.length > 0
      ? `reading ${sources.map((s) => s.health?.().target ?? s.kind).join(' and ')} (${sources.map((s) => s.kind).join(' + ')})`
      : `on the simulator (seed ${seed}, speed ×${speed})`;
  process.stdout.write(`linetwin ${version}: scene "${scene.id}" ${what}${recorder ? `, recording to ${v.record}` : ''}\nOpen http://localhost:${bound}\n`);
  log.info({ port: bound, scene: scene.id, epoch: hub.epoch }, 'serving');

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log.info('shutting down');
  await recorder?.stop();
  await app.close();
  await cluster?.stop();
  return 0;
}

/** A span of seconds in the largest whole unit: "1 h", "20 min", "45 s". */
function formatSpan(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

async function loadReplay(file: string, scene: ResolvedScene, strict: boolean): Promise<LoadedRecording> {
  let recording = file;
  // A bare name is a recording of the scene: scenes/<scene>/recordings/<name>.jsonl.gz (the demo one is made on demand).
  if (/^[\w-]+$/.test(file)) {
    const dir = recordingsDir(scenesDir, scene.id);
    const known = ['.jsonl.gz', '.jsonl'].map((ext) => path.join(dir, file + ext)).find((f) => existsSync(f));
    if (known) recording = known;
    else if (file === DEMO_RECORDING) recording = await ensureDemoRecording(scene, scenesDir, (m) => process.stdout.write(m + '\n'));
    else throw new RecordingError(`no recording "${file}" in ${dir}; pass a path to a .jsonl, .jsonl.gz or .csv file, or "${DEMO_RECORDING}"`);
  }
  if (file.toLowerCase().endsWith('.csv')) {
    const log = await readCsvLog(file, scene, { strict });
    for (const w of log.warnings) process.stderr.write(`warning: ${w}\n`);
    recording = path.join(mkdtempSync(path.join(tmpdir(), 'linetwin-')), 'import.jsonl.gz');
    await writeRecordingFromChanges(recording, scene, log.changes, `csv:${path.basename(file)}`);
    process.stdout.write(`Imported ${log.stats.imported} of ${log.stats.rows} rows from ${path.basename(file)}.\n`);
  }
  let shown = -1;
  const loaded = await readRecording(recording, scene, {
    onProgress: (f) => {
      const pct = Math.floor(f * 10) * 10;
      if (pct !== shown && process.stdout.isTTY) process.stdout.write(`\rLoading ${path.basename(file)}… ${pct}%`);
      shown = pct;
    },
  });
  if (process.stdout.isTTY) process.stdout.write('\n');
  for (const w of loaded.warnings) process.stderr.write(`warning: ${w}\n`);
  return loaded;
}

async function importCsv(input: string, out: string, scene: ResolvedScene, strict: boolean): Promise<number> {
  try {
    const log = await readCsvLog(input, scene, { strict });
    for (const w of log.warnings) process.stderr.write(`warning: ${w}\n`);
    await writeRecordingFromChanges(out, scene, log.changes, `csv:${path.basename(input)}`);
    process.stdout.write(`Wrote ${out}: ${log.stats.imported} state changes from ${log.stats.rows} rows (${log.stats.skipped} skipped) for scene "${scene.id}".\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof CsvImportError)) throw e;
    process.stderr.write(`linetwin: import failed: ${e.message}\n`);
    return 2;
  }
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
