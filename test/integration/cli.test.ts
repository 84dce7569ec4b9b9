import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readRecording } from '../../server/recording/reader.ts';
import { loadSceneFile } from '../../server/scene-loader.ts';

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/linetwin.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'linetwin-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The server on a free port (no client build); resolves once it prints its address. */
async function serve(...args: string[]) {
  const child = spawn(process.execPath, [bin, '--port', '0', '--no-build', '--host', '127.0.0.1', '--log-level', 'warn', ...args], { cwd: root });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
    child.stdout.on('data', () => {
      const m = /Open (http:\/\/localhost:\d+)/.exec(out);
      if (m) {
        clearTimeout(t);
        resolve(m[1]);
      }
    });
  });
  return { child, url, out: () => out };
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);

describe('command line', () => {
  it('[CLI1] --help lists every option and the scenes; exits 0', () => {
    const r = run('--help');
    expect(r.code).toBe(0);
    for (const opt of ['--port', '--scene', '--seed', '--speed', '--warmup', '--tick', '--host', '--check-scene', '--no-build'])
      expect(r.out).toContain(opt);
    expect(r.out).toMatch(/Scenes in .*demo-plant/);
  });

  it('[CLI2] an invalid scene file lists every problem with file and JSON path, exits 2, no stack trace', () => {
    const file = path.join(tmp, 'bad-scene.json');
    writeFileSync(file, JSON.stringify({
      specVersion: 1, id: 'bad', name: 'Bad', taktTime: 60,
      areas: [{ id: 'A', name: 'A', kind: 'body', center: [0, 0], size: [10, 10] }],
      stations: [
        { id: 'S1', name: 'One', area: 'A', kind: 'weld', position: [0, 0, 0], footprint: [2, 2], cycleTime: 'fast', bufferCapacity: 1 },
        { id: 'S2', name: 'Two', area: 'A', kind: 'laser-cannon', position: [0, 0], footprint: [2, 2], cycleTime: 40, bufferCapacity: 1 },
      ],
    }));
    const r = run('--scene', file, '--no-build');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${file}: $.stations[0].cycleTime:`);
    expect(r.err).toMatch(/\$\.stations\[1\]\.kind: .*expected one of/i);
    expect(r.err).toContain('$.stations[1].position');
    noStack(r.err);
  });

  it('[CLI3] cross-reference errors and broken JSON are reported with where and why', () => {
    const file = path.join(tmp, 'refs.json');
    writeFileSync(file, JSON.stringify({
      specVersion: 1, id: 'refs', name: 'Refs', taktTime: 60,
      areas: [{ id: 'A', name: 'A', kind: 'body', center: [0, 0], size: [10, 10] }],
      stations: [{ id: 'S1', name: 'One', area: 'NOPE', kind: 'weld', position: [0, 0, 0], footprint: [2, 2], cycleTime: 40, bufferCapacity: 1 }],
    }));
    const refs = run('--scene', file, '--check-scene');
    expect(refs.code).toBe(2);
    expect(refs.err).toContain('$.stations[0].area: expected the id of an area, got "NOPE"');
    const broken = path.join(tmp, 'broken.json');
    writeFileSync(broken, '{\n  "specVersion": 1,\n  "id": \n}');
    const r = run('--scene', broken, '--check-scene');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not valid JSON: Unexpected token .* at line 4, column 1/);
    noStack(r.err);
  });

  it('[CLI4] unknown scene ids, bad option values and unknown options exit 2 with a clear message', () => {
    const unknown = run('--scene', 'no-such-plant', '--check-scene');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/no scene "no-such-plant".*available: .*demo-plant/);
    const port = run('--port', 'eighty');
    expect(port.code).toBe(2);
    expect(port.err).toContain('--port expects a whole number from 0 to 65535, got "eighty"');
    const speed = run('--speed', '0');
    expect(speed.code).toBe(2);
    expect(speed.err).toContain('--speed');
    const backfill = run('--backfill', '-5');
    expect(backfill.code).toBe(2);
    expect(backfill.err).toContain('--backfill');
    const opt = run('--frobnicate');
    expect(opt.code).toBe(2);
    expect(opt.err).toMatch(/Unknown option '--frobnicate'/);
    noStack(unknown.err + port.err + opt.err);
  });

  it('[CLI5] a scene folder path works and --check-scene validates the demo plant', () => {
    const dir = path.join(tmp, 'plant');
    mkdirSync(dir);
    const r = run('--scene', path.join(root, 'scenes/demo-plant'), '--check-scene');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/valid scene "demo-plant" \(\d+ stations, \d+ robots/);
    const empty = run('--scene', dir, '--check-scene');
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('without a scene.json');
  });

  it('[CLI7] a recording to a folder that does not exist is refused before anything starts, exit 2', () => {
    const missing = path.join(tmp, 'no-such-folder', 'shift.jsonl.gz');
    const rec = run('--record', missing, '--no-build', '--port', '0');
    expect(rec.code).toBe(2);
    expect(rec.err).toContain(`--record ${missing}: cannot write in ${path.dirname(missing)}: there is no such folder`);
    expect(rec.out).not.toContain('Open http');
    const imp = run('import', path.join(tmp, 'log.csv'), '--out', missing);
    expect(imp.code).toBe(2);
    expect(imp.err).toContain(`--out ${missing}: cannot write in`);
    noStack(rec.err + imp.err);
  });

  it('[CLI8] --history-mb bounds the live history: the oldest minutes go, the log says so once, /healthz shows it; too small a value is refused', async () => {
    const small = run('--history-mb', '5');
    expect(small.code).toBe(2);
    expect(small.err).toContain('--history-mb');
    noStack(small.err);
    // An hour of the demo plant in history is about 50 MB: 16 MB keeps about the last twenty minutes.
    const { child, url, out } = await serve('--warmup', '3600', '--backfill', '3600', '--history-mb', '16');
    try {
      const health = (await (await fetch(`${url}/healthz`)).json()) as { history: { from: number; to: number; bytes: number; maxBytes: number; limitedByBytes: boolean } };
      expect(health.history.maxBytes).toBe(16e6);
      expect(health.history.limitedByBytes).toBe(true);
      expect(health.history.bytes).toBeLessThanOrEqual(16e6);
      const span = health.history.to - health.history.from;
      expect(span).toBeGreaterThan(5 * 60_000);
      expect(span).toBeLessThan(50 * 60_000);
      const warnings = out().split('\n').filter((l) => l.includes('live history: 16 MB reached'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/reached after \d+ min of the 2 h asked for; keeping the newest that fit \(raise --history-mb for more\)/);
      // The state at the history's start is there to seek to.
      const at = (await fetch(`${url}/api/state?at=${health.history.from + 1000}`)).status;
      expect(at).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('[CLI9] on a terminal the backfill line counts up to 100 %; written to a pipe it is one line', async () => {
    // `script` runs the server on a pseudo-terminal, as a person's shell would.
    const cmd = [process.execPath, bin, '--port', '0', '--no-build', '--host', '127.0.0.1', '--log-level', 'warn', '--warmup', '1800', '--backfill', '1800'].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
        child.stdout.on('data', () => {
          if (/Open http/.test(out)) {
            clearTimeout(t);
            resolve();
          }
        });
      });
    } finally {
      child.kill('SIGTERM');
    }
    const line = out.split(/\r?\n/).find((l) => l.includes('Simulating the last 30 min'))!;
    const shown = [...line.matchAll(/Simulating the last 30 min of the warm-up into history and the KPIs… (\d+) %/g)].map((m) => Number(m[1]));
    expect(shown.length).toBeGreaterThan(10);
    expect(shown.at(-1)).toBe(100);
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    expect(out).toMatch(/100 %\r?\nHistory and KPIs ready in \d+\.\d s\./);
    // Through a pipe (CLI6's servers, a service's log): the line once, no counting.
    const piped = await serve('--warmup', '600', '--backfill', '600');
    try {
      expect(piped.out()).toContain('Simulating the last 10 min of the warm-up into history and the KPIs…\nHistory and KPIs ready in');
      expect(piped.out()).not.toContain(' %');
    } finally {
      piped.child.kill('SIGTERM');
    }
  });

  it('[CLI6] serves the demo plant on the simulator, with the end of the warm-up in history and the KPIs, then stops cleanly on SIGTERM', async () => {
    // Ninety minutes of warm-up fill the line; its last twenty go into history and the KPIs.
    const { child, url, out } = await serve('--warmup', '5400', '--backfill', '1200');
    expect(out()).toContain('Simulating the last 20 min of the warm-up into history and the KPIs');
    expect(out()).toMatch(/History and KPIs ready in \d+\.\d s/);
    const health = (await (await fetch(`${url}/healthz`)).json()) as { revision: number; history: { from: number; to: number } };
    expect(health.history.to - health.history.from).toBeGreaterThanOrEqual(1_200_000);
    // Up to a revision per 200 ms step of backfilled state time (6000; a step where nothing moved commits nothing).
    expect(health.revision).toBeGreaterThan(3000);
    const kpis = (await (await fetch(`${url}/api/kpis`)).json()) as { data: { from: string }; line: { bodiesCompleted: number; jobsPerHour: number } };
    expect(Date.parse(kpis.data.from)).toBe(health.history.from);
    expect(kpis.line.bodiesCompleted).toBeGreaterThan(5);
    expect(kpis.line.jobsPerHour).toBeGreaterThan(0);
    const state = (await (await fetch(`${url}/api/state`)).json()) as { revision: number; stations: Record<string, unknown>; bodies: Record<string, unknown> };
    const scene = (await (await fetch(`${url}/api/scene`)).json()) as { stations: unknown[] };
    expect(state.revision).toBeGreaterThan(0);
    expect(Object.keys(state.stations).length).toBe(scene.stations.length);
    expect(Object.keys(state.bodies).length).toBeGreaterThan(0);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('[REC13] the server killed outright while recording leaves a file that reads back to within about a second of the kill', async () => {
    const file = path.join(tmp, 'killed.jsonl.gz');
    const { child, url, out } = await serve('--record', file, '--warmup', '1800');
    // The default backfill (an hour) is cut to the warm-up.
    expect(out()).toContain('Simulating the last 30 min of the warm-up');
    expect(out()).toContain(`recording to ${file}`);
    await new Promise((r) => setTimeout(r, 3000));
    const { time } = (await (await fetch(`${url}/api/state`)).json()) as { time: number };
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    const loaded = await readRecording(file, loadSceneFile(path.join(root, 'scenes/demo-plant/scene.json')));
    // Lines reach the file at least every second (default flush): no more than that is lost.
    expect(loaded.history.to).toBeGreaterThan(time - 1500);
    expect(loaded.stats.changeLines).toBeGreaterThan(10);
    expect(loaded.warnings.every((w) => /incomplete|cut off/.test(w))).toBe(true);
  });
});
