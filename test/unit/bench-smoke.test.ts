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
import { middleHalf, type Row } from '../bench/harness.ts';
import { benchmarks, parseArgs, type BenchResults } from '../bench/run.ts';
import { benchBrowser } from '../bench/browser.ts';
import { chromiumArgs } from '../e2e/browser.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'linetwin-bench-smoke-'));
const out = path.join(dir, 'results.json');
let results: BenchResults;
let stdout = '';
let exitCode: number | null = null;

/** The CLI as `npm run bench -- --quick ARGS` runs it, in a child so a hung benchmark is killed with it. */
function runQuick(args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/run.ts', '--quick', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let printed = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (printed += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === null) reject(new Error(`bench --quick ${args.join(' ')} was killed (timeout)\n${printed}\n${stderr}`));
      else resolve({ code, stdout: printed, stderr });
    });
  });
}

const find = (name: RegExp): Row | undefined => results.rows.find((r) => name.test(r.name));
const ran = (r: Row | undefined): boolean => !!r && r.pass !== null;

beforeAll(async () => {
  ({ code: exitCode, stdout } = await runQuick(['--out', out], 170_000));
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
    // What drew the browser benchmarks is on record: SwiftShader, forced unless --gpu.
    if (ran(find(/^browser: draw calls/))) {
      expect(results.machine.webgl).toMatch(/SwiftShader.*\(software\)$/);
      expect(stdout).toContain(`WebGL on ${results.machine.webgl}`);
    }
  });

  it('[BENCH2] fan-out: the hub sent exactly the bytes the raw baseline sent', () => {
    const r = find(/^fan-out: throughput/);
    expect(ran(r)).toBe(true);
    expect(r!.note).toBeUndefined();
    expect(r!.raw.clients).toBeGreaterThan(1);
    // How far single pairs spread is reported beside the median: the middle half of the pairs' ratios.
    for (const row of [r!, find(/^fan-out: server CPU/)!]) expect(row.raw.pairsMiddleHalf, row.name).toMatch(/^[\d.]+–[\d.]+$/);
    expect(middleHalf([5, 1, 4, 2, 3])).toBe('2–4');
    expect(middleHalf([0.5, 1, 1.5, 2])).toBe('0.875–1.63');
    expect(middleHalf([])).toBe('—');
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
    expect(parseArgs(['--quick', '--only', 'deltas,replay'])).toMatchObject({ quick: true, only: ['deltas', 'replay'], browser: { gpu: false } });
    expect(() => parseArgs(['--only', 'nope'])).toThrow(/unknown benchmark "nope"/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown option/);
  });

  it('[BENCH9] options: a full run draws on the GPU where there is one, --quick and --software in software, --gpu only on a GPU (vsync and the frame-rate cap off)', () => {
    expect(parseArgs([])).toMatchObject({ browser: { gpu: 'auto' } });
    expect(parseArgs(['--quick'])).toMatchObject({ browser: { gpu: false } });
    expect(parseArgs(['--software'])).toMatchObject({ browser: { gpu: false } });
    expect(parseArgs(['--quick', '--gpu'])).toMatchObject({ browser: { gpu: true } });
    expect(parseArgs(['--gpu', '--angle', 'vulkan', '--headed'])).toMatchObject({ browser: { gpu: true, angle: 'vulkan', headed: true } });
    expect(() => parseArgs(['--angle', 'vulkan'])).toThrow(/--angle only applies with --gpu/);
    expect(() => parseArgs(['--headed'])).toThrow(/--headed only applies with --gpu/);
    expect(() => parseArgs(['--gpu', '--angle', 'x; rm'])).toThrow(/ANGLE backend's name/);
    const software = chromiumArgs({ gpu: false });
    expect(software).toContain('--use-angle=swiftshader');
    const gpu = chromiumArgs({ gpu: true });
    expect(gpu).toEqual(expect.arrayContaining(['--enable-gpu', '--disable-gpu-vsync', '--disable-frame-rate-limit']));
    expect(gpu.join(' ')).not.toMatch(/swiftshader/);
    expect(chromiumArgs({ gpu: true, angle: 'gl-egl' })).toContain('--use-angle=gl-egl');
    expect(chromiumArgs({ gpu: 'auto' })).toEqual(gpu);
  });

  it('[BENCH10] --gpu gives figures from a GPU or a clear error, never software frame times labelled as a GPU\'s', async (ctx) => {
    if (!ran(find(/^browser: draw calls/))) return ctx.skip('no Chromium here');
    const gpuOut = path.join(dir, 'gpu.json');
    const run = await runQuick(['--only', 'browser', '--gpu', '--out', gpuOut], 120_000);
    const gpu = JSON.parse(readFileSync(gpuOut, 'utf8')) as BenchResults;
    if (gpu.errors.length === 0) {
      // A machine with a GPU Chromium can use: the counts as in software, on the GPU.
      expect(run.code).toBe(0);
      expect(gpu.machine.webgl).toMatch(/\(GPU\)$/);
      expect(gpu.rows.find((r) => /^browser: draw calls/.test(r.name))?.pass).toBe(true);
    } else {
      // No GPU here: a full run's default falls back to software, and says so.
      const machine: Record<string, string> = {};
      const browser = await benchBrowser({ quick: false, log: () => undefined, browser: { gpu: 'auto' }, machine }, 'browser', []);
      if (!Array.isArray(browser)) await browser.close();
      expect(machine.webgl).toMatch(/SwiftShader.*\(software\)$/);
      expect(run.code).toBe(1);
      expect(gpu.machine.webgl).toBeUndefined();
      expect(gpu.errors[0].message).toMatch(/^--gpu: WebGL is drawn by ".+", a rasteriser on the CPU, not a GPU, so there are no GPU frame times to measure here\..*--headed.*--angle vulkan/);
      expect(gpu.rows).toEqual([expect.objectContaining({ name: 'browser: did not run', pass: false, note: expect.stringMatching(/^--gpu: WebGL is drawn by/) })]);
    }
  }, 130_000);
});
