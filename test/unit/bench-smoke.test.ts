/**
 * Smoke run of the benchmark harness (`npm run bench -- --quick`): every benchmark runs to the end
 * and reports, and the counts that are exact rather than timings hold. Ratios of timings are not
 * checked here: a shared machine makes them noise at quick sizes (`npm run bench` is for those).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../bench/harness.ts';
import { benchmarks, parseArgs, type BenchResults } from '../bench/run.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'linetwin-bench-smoke-'));
const out = path.join(dir, 'results.json');
let results: BenchResults;
let stdout = '';
let exitCode: number | null = null;

/** The CLI as `npm run bench` runs it, in a child so a hung benchmark is killed with it. */
function runQuick(): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/run.ts', '--quick', '--out', out], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === null) reject(new Error(`bench --quick was killed (timeout)\n${stdout}\n${stderr}`));
      else resolve(code);
    });
  });
}

const find = (name: RegExp): Row | undefined => results.rows.find((r) => name.test(r.name));
const ran = (r: Row | undefined): boolean => !!r && r.pass !== null;

beforeAll(async () => {
  exitCode = await runQuick();
  results = JSON.parse(readFileSync(out, 'utf8')) as BenchResults;
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run bench -- --quick', () => {
  it('[BENCH1] every benchmark runs without a harness error, prints the table and writes the results', () => {
    expect(results.errors).toEqual([]);
    expect(exitCode).toBe(0);
    expect(results.quick).toBe(true);
    for (const b of benchmarks) expect(results.rows.some((r) => r.bench === b.name), `no row from ${b.name}`).toBe(true);
    for (const r of results.rows) {
      // A row is either measured (a finite value, judged) or skipped with a reason.
      if (r.pass === null) expect(r.note, r.name).toBeTruthy();
      else expect(Number.isFinite(r.value), r.name).toBe(true);
    }
    expect(stdout).toMatch(/benchmark\s+ratio\s+target\s+pass\s+raw figures/);
    for (const r of results.rows) expect(stdout).toContain(r.name);
  });

  it('[BENCH2] fan-out: the hub sent exactly the bytes the raw baseline sent', () => {
    const r = find(/^fan-out: throughput/);
    expect(ran(r)).toBe(true);
    expect(r!.note).toBeUndefined();
    expect(r!.raw.clients).toBeGreaterThan(1);
  });

  it('[BENCH3] slow client: the server never holds more than maxInFlight frames for it', () => {
    const r = find(/^slow client: frames held/);
    expect(ran(r)).toBe(true);
    expect(r!.value).toBeLessThanOrEqual(r!.target.value);
    expect(r!.value).toBeGreaterThan(0);
  });

  it('[BENCH4] deltas: byte counts are exact, so the ratio is the same in every run', () => {
    const r = find(/^deltas:/);
    expect(ran(r)).toBe(true);
    expect(r!.pass).toBe(true);
  });

  it('[BENCH5] browser: no React commit while states stream', (ctx) => {
    const r = find(/^browser: React commits/);
    if (!r || !ran(r)) return ctx.skip(r?.note ?? 'browser benchmark did not run');
    expect(r.raw.revisionsReceived).toBeGreaterThan(0);
    expect(r.raw.commits).toBe(0);
  });

  it('[BENCH6] browser: the plant at scale 10 draws with as many draw calls as at scale 1', (ctx) => {
    const r = find(/^browser: draw calls/);
    if (!r || !ran(r)) return ctx.skip(r?.note ?? 'browser benchmark did not run');
    expect(r.raw.calls1x).toBeGreaterThan(5);
    expect(r.raw.calls10x, `draw calls: ${r.raw.calls1x} at scale 1, ${r.raw.calls10x} at scale 10`).toBe(r.raw.calls1x);
  });

  it('[BENCH8] kiosk soak: a loop of the tour over an hour of fast-forwarded plant leaves the page holding what it held', (ctx) => {
    const heap = find(/^kiosk soak: page JS heap/);
    const held = find(/^kiosk soak: nodes, listeners/);
    if (!held || !ran(held)) return ctx.skip(held?.note ?? 'soak benchmark did not run');
    expect(ran(heap)).toBe(true);
    expect(heap!.raw.loops).toBeGreaterThanOrEqual(1);
    expect(heap!.raw.bodiesFinished).toBeGreaterThan(0);
    expect(held.raw.geometriesAtStart).toBeGreaterThan(10);
    expect(held.raw.programsAtStart).toBeGreaterThan(0);
    expect(held.value, JSON.stringify(held.raw)).toBe(0);
  });

  it('[BENCH7] options: --only picks benchmarks by name; an unknown name is an error', () => {
    expect(parseArgs(['--quick', '--only', 'deltas,replay'])).toMatchObject({ quick: true, only: ['deltas', 'replay'] });
    expect(() => parseArgs(['--only', 'nope'])).toThrow(/unknown benchmark "nope"/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown option/);
  });
});
