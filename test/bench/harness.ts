/**
 * Shared pieces of the benchmark harness: what a benchmark returns, how the table is printed, and
 * the small statistics every benchmark uses. Ratios are the result; raw figures are context (they
 * drift with the machine, the ratios should not).
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { BrowserMode } from '../e2e/browser.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export type Target = { op: '>=' | '<=' | '=='; value: number };

export type Row = {
  /** Benchmark group (what --only selects). */
  bench: string;
  name: string;
  /** The ratio (or exact count) judged against the target; null when it could not be measured. */
  value: number | null;
  target: Target;
  /** null: not judged (skipped, or the value is missing). */
  pass: boolean | null;
  /** Raw figures behind the value, in the units their names say. */
  raw: Record<string, number | string | boolean | null>;
  note?: string;
};

export type BenchContext = {
  quick: boolean;
  log: (msg: string) => void;
  /** How the browser benchmarks' Chromium draws WebGL: `auto` (a full run's default), `--gpu` or software (benchBrowser). */
  browser: BrowserMode;
  /** Facts about the machine a benchmark found out (the WebGL renderer), added to the results' `machine`. */
  machine: Record<string, string>;
};

export type Benchmark = {
  name: string;
  /** One line on what it compares. */
  title: string;
  run(ctx: BenchContext): Promise<Row[]>;
};

export function judge(value: number | null, target: Target): boolean | null {
  if (value === null || !Number.isFinite(value)) return null;
  switch (target.op) {
    case '>=':
      return value >= target.value;
    case '<=':
      return value <= target.value;
    case '==':
      return value === target.value;
  }
}

export function row(bench: string, name: string, value: number | null, target: Target, raw: Row['raw'], note?: string): Row {
  return { bench, name, value, target, pass: judge(value, target), raw, ...(note ? { note } : {}) };
}

export function skipped(bench: string, name: string, target: Target, note: string): Row {
  return { bench, name, value: null, target, pass: null, raw: {}, note };
}

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The middle half of `xs` as text, "q1–q3" (quartiles, interpolated): how far single measurements spread. */
export function middleHalf(xs: number[], digits = 3): string {
  if (xs.length === 0) return '—';
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => {
    const i = q * (s.length - 1);
    const lo = Math.floor(i);
    return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
  };
  return `${sig(at(0.25), digits)}–${sig(at(0.75), digits)}`;
}

export function sum(xs: number[]): number {
  let t = 0;
  for (const x of xs) t += x;
  return t;
}

/** Rounds to a few significant digits for the table and the JSON (raw figures are not precise to 1e-12). */
export function sig(x: number, digits = 3): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitUntil(check: () => boolean, what: string, timeoutMs: number, pollMs = 5): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}

export function formatTarget(t: Target): string {
  return `${t.op === '==' ? '=' : t.op === '>=' ? '≥' : '≤'} ${t.value}`;
}

export function formatValue(v: number | null): string {
  if (v === null) return '—';
  if (Number.isInteger(v)) return String(v);
  return String(sig(v, 3));
}

function formatRaw(raw: Row['raw']): string {
  return Object.entries(raw)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? (Number.isInteger(v) ? v : sig(v, 3)) : v}`)
    .join(', ');
}

/** Columns padded to their widest cell (the last one left as it is), under a line of dashes. */
export function textTable(head: string[], rows: string[][]): string {
  const last = head.length - 1;
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i < last ? c.padEnd(widths[i]) : c)).join('  ').trimEnd();
  return [fmt(head), fmt(widths.map((w, i) => '-'.repeat(i < last ? w : head[last].length))), ...rows.map(fmt)].join('\n');
}

/** A Markdown table, `|` in cells escaped. */
export function markdownTable(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), `|${head.map(() => '---').join('|')}|`, ...rows.map(line)].join('\n');
}

const ROW_HEAD = ['benchmark', 'ratio', 'target', 'pass', 'raw figures'];

function rowCells(r: Row, fail: string): string[] {
  return [r.name, formatValue(r.value), formatTarget(r.target), r.pass === null ? 'skip' : r.pass ? 'pass' : fail, formatRaw(r.raw) + (r.note ? `${Object.keys(r.raw).length ? '; ' : ''}${r.note}` : '')];
}

/** The table as plain text (terminal). */
export function formatTable(rows: Row[]): string {
  return textTable(ROW_HEAD, rows.map((r) => rowCells(r, 'FAIL')));
}

/** The table as Markdown (README "Performance"). */
export function formatMarkdown(rows: Row[]): string {
  return markdownTable(ROW_HEAD, rows.map((r) => rowCells(r, '**fail**')));
}

/**
 * A TypeScript module of this harness in a child process (`node --import tsx`), with request/reply
 * over IPC. Replies are matched by type; an `error` reply or the child's death rejects.
 */
export function tsChild<Req extends { type: string }, Rep extends { type: string }>(file: string) {
  // BENCH_CHILD_PROF=DIR: a CPU profile of the child, sampled every 100 µs (the default 1 ms caught too few of a tick's samples).
  const prof = process.env.BENCH_CHILD_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CHILD_PROF}`, '--cpu-prof-interval=100'] : [];
  const child: ChildProcess = fork(file, [], { cwd: repoRoot, execArgv: ['--import', 'tsx', ...prof], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let waiting: { type: string; resolve: (r: Rep) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;
  let dead: Error | null = null;
  const fail = (e: Error) => {
    dead ??= e;
    if (waiting) {
      clearTimeout(waiting.timer);
      waiting.reject(e);
      waiting = null;
    }
  };
  child.on('message', (m: Rep) => {
    if (!waiting) return;
    const w = waiting;
    if (m.type === 'error') {
      waiting = null;
      clearTimeout(w.timer);
      w.reject(new Error(`${path.basename(file)}: ${(m as unknown as { message: string }).message}`));
    } else if (m.type === w.type) {
      waiting = null;
      clearTimeout(w.timer);
      w.resolve(m);
    }
  });
  child.on('exit', (code, signal) => fail(new Error(`${path.basename(file)} exited (${signal ?? code})`)));
  child.on('error', (e) => fail(e));
  return {
    child,
    request<T extends Rep['type']>(req: Req, replyType: T, timeoutMs = 120_000): Promise<Extract<Rep, { type: T }>> {
      if (dead) return Promise.reject(dead);
      if (waiting) return Promise.reject(new Error('one request at a time'));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => fail(new Error(`${path.basename(file)}: no "${replyType}" within ${timeoutMs} ms`)), timeoutMs);
        waiting = { type: replyType, resolve: resolve as (r: Rep) => void, reject, timer };
        child.send(req);
      });
    },
    /** Asks it to stop, then makes sure it has. */
    async close(stopRequest: Req): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      try {
        child.send(stopRequest);
      } catch {
        // Already gone.
      }
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}
