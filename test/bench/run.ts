/**
 * `npm run bench [-- --quick] [--only NAME[,NAME]] [--out FILE] [--markdown] [--strict] [--gpu [--angle NAME] [--headed] | --software] [--compare FILE]`
 * `npm run bench -- --diff OLD NEW`
 *
 * Every benchmark compares linetwin with a baseline built and measured the same way in the same
 * run, and reports the ratio: absolute times on a shared machine drift, ratios much less. Prints one
 * table and writes test/bench/results/latest.json (git-ignored). Exit status 1 when a benchmark
 * could not run (a harness error); a ratio off its target fails only with --strict.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyticsBench } from './analytics.ts';
import { browserBench } from './browser.ts';
import { deltasBench } from './deltas.ts';
import { fanoutBench, slowClientBench } from './fanout.ts';
import { formatComparison, loadResults } from './compare.ts';
import { formatMarkdown, formatTable, repoRoot, type Benchmark, type Row } from './harness.ts';
import type { BrowserMode } from '../e2e/browser.ts';
import { replayBench } from './replay.ts';
import { soakBench } from './soak.ts';

export const benchmarks: Benchmark[] = [deltasBench, fanoutBench, slowClientBench, replayBench, analyticsBench, browserBench, soakBench];

export type BenchOptions = {
  quick: boolean;
  only: string[] | null;
  out: string;
  markdown: boolean;
  strict: boolean;
  browser: BrowserMode;
  /** A results file to compare this run with (`--compare`). */
  compare: string | null;
  /** Two results files to compare, running nothing (`--diff`). */
  diff: [string, string] | null;
  log?: (msg: string) => void;
};

export type BenchResults = {
  started: string;
  quick: boolean;
  durationS: number;
  /** `webgl`: what drew the browser benchmarks' WebGL (the GPU's name, or SwiftShader), when they ran. */
  machine: { cpus: number; cpuModel: string; node: string; platform: string; webgl?: string };
  rows: Row[];
  errors: Array<{ bench: string; message: string }>;
};

export const defaultOut = path.join(repoRoot, 'test/bench/results/latest.json');

const USAGE = `usage: npm run bench -- [--quick] [--only NAME[,NAME…]] [--out FILE] [--markdown] [--strict] [--gpu | --software] [--compare FILE]
       npm run bench -- --diff OLD.json NEW.json
  --quick     small sizes, a few seconds each (the smoke test's mode)
  --only      run only these benchmarks: ${benchmarks.map((b) => b.name).join(', ')}
  --out       where to write the JSON results (default test/bench/results/latest.json)
  --markdown  also print the table as Markdown (for the README)
  --strict    exit 1 when a ratio misses its target
  --gpu       draw the browser benchmarks on this machine's GPU, or stop with an error if Chromium finds
              none (a full run's default: the GPU where Chromium can use one, software WebGL where not)
  --software  draw them in software (SwiftShader) even where there is a GPU (--quick's default)
  --angle     with --gpu: ANGLE's backend when Chromium's own choice finds no GPU (vulkan, gl, gl-egl…)
  --headed    with --gpu: open Chromium's windows on this desktop's display (headless may not reach the GPU)
  --compare   after the run, show each row beside the same row of an earlier run's results file
  --diff      compare two results files, running nothing`;

export function parseArgs(argv: string[]): BenchOptions | 'help' {
  const o: BenchOptions = { quick: false, only: null, out: defaultOut, markdown: false, strict: false, browser: { gpu: 'auto' }, compare: null, diff: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--markdown') o.markdown = true;
    else if (a === '--strict') o.strict = true;
    else if (a === '--gpu') o.browser.gpu = true;
    else if (a === '--software') o.browser.gpu = false;
    else if (a === '--headed') o.browser.headed = true;
    else if (a === '--angle') {
      const angle = value();
      if (!/^[a-z][a-z0-9-]*$/.test(angle)) throw new Error(`--angle takes an ANGLE backend's name (vulkan, gl, gl-egl…), not "${angle}"`);
      o.browser.angle = angle;
    } else if (a === '--out') o.out = path.resolve(value());
    else if (a === '--compare') o.compare = path.resolve(value());
    else if (a === '--diff') o.diff = [path.resolve(value()), path.resolve(value())];
    else if (a === '--only') {
      const names = value().split(',').map((s) => s.trim()).filter(Boolean);
      const known = new Set(benchmarks.map((b) => b.name));
      const unknown = names.filter((n) => !known.has(n));
      if (unknown.length) throw new Error(`unknown benchmark ${unknown.map((n) => `"${n}"`).join(', ')}; known: ${[...known].join(', ')}`);
      o.only = names;
    } else if (a === '--help' || a === '-h') return 'help';
    else throw new Error(`unknown option "${a}"`);
  }
  if (o.browser.gpu !== true && (o.browser.angle || o.browser.headed)) throw new Error(`${o.browser.angle ? '--angle' : '--headed'} only applies with --gpu`);
  // The smoke run checks exact counts the same way everywhere: in software, unless asked for the GPU.
  if (o.quick && o.browser.gpu === 'auto') o.browser.gpu = false;
  return o;
}

export async function runBench(o: BenchOptions): Promise<BenchResults> {
  const log = o.log ?? ((m: string) => console.log(`[bench] ${m}`));
  const started = new Date();
  const t0 = performance.now();
  const rows: Row[] = [];
  const errors: BenchResults['errors'] = [];
  const found: Record<string, string> = {};
  for (const b of benchmarks) {
    if (o.only && !o.only.includes(b.name)) continue;
    log(`${b.name}: ${b.title}`);
    const bt = performance.now();
    try {
      rows.push(...(await b.run({ quick: o.quick, log, browser: o.browser, machine: found })));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      errors.push({ bench: b.name, message });
      rows.push({ bench: b.name, name: `${b.name}: did not run`, value: null, target: { op: '>=', value: 0 }, pass: false, raw: {}, note: message.split('\n')[0] });
      log(`${b.name}: ERROR ${e instanceof Error ? (e.stack ?? e.message) : message}`);
    }
    log(`${b.name}: ${((performance.now() - bt) / 1000).toFixed(1)} s`);
  }
  const cpus = os.cpus();
  return {
    started: started.toISOString(),
    quick: o.quick,
    durationS: Math.round((performance.now() - t0) / 100) / 10,
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform}-${process.arch}`, ...found },
    rows,
    errors,
  };
}

async function main(argv: string[]): Promise<number> {
  let o: BenchOptions | 'help';
  try {
    o = parseArgs(argv);
  } catch (e) {
    console.error(`bench: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (o === 'help') {
    console.log(USAGE);
    return 0;
  }
  // Files to compare are read first: a wrong path is said at once, not after minutes of benchmarks.
  let before: BenchResults | null = null;
  let after: BenchResults | null = null;
  try {
    if (o.diff) [before, after] = o.diff.map(loadResults);
    else if (o.compare) before = loadResults(o.compare);
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    return 2;
  }
  if (before && after) {
    console.log(formatComparison(before, after, o.markdown));
    return 0;
  }
  const results = await runBench(o);
  mkdirSync(path.dirname(o.out), { recursive: true });
  writeFileSync(o.out, JSON.stringify(results, null, 2) + '\n');
  console.log(`\n${formatTable(results.rows)}\n`);
  if (o.markdown) console.log(`${formatMarkdown(results.rows)}\n`);
  const webgl = results.machine.webgl ? `, WebGL on ${results.machine.webgl}` : '';
  console.log(`${results.quick ? 'quick run' : 'full run'} in ${results.durationS} s on ${results.machine.cpus} × ${results.machine.cpuModel}, Node ${results.machine.node}${webgl}; results in ${path.relative(process.cwd(), o.out)}`);
  if (before) console.log(`\n${formatComparison(before, results, o.markdown)}`);
  const failed = results.rows.filter((r) => r.pass === false).length;
  if (results.errors.length) return 1;
  if (o.strict && failed) return 1;
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // Socket.IO clients and servers are closed by now; anything left is a bug, not a reason to hang.
      setTimeout(() => process.exit(code), 2000).unref();
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
