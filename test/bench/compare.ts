/**
 * Two runs of `npm run bench` side by side: `--compare FILE` after a run, `--diff OLD NEW` without one. Each
 * row's ratio before and now, their quotient, and whether the row still meets its target. Ratios of two runs
 * can be compared where absolute times cannot (each ratio's baseline ran on the same machine at the same
 * moment as what it measures), so this is how a change is checked against the commit before it. Single
 * rows still swing from run to run on a shared machine (docs/performance.md has their spreads).
 */
import { readFileSync } from 'node:fs';
import { formatTarget, formatValue, markdownTable, sig, textTable, type Row } from './harness.ts';
import type { BenchResults } from './run.ts';

/** A results file written by `npm run bench`, checked enough to compare: a clear error for anything else. */
export function loadResults(file: string): BenchResults {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`);
  }
  const rows = (data as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(rows)) throw new Error(`${file}: not a results file of npm run bench (no "rows" list)`);
  rows.forEach((r: unknown, i) => {
    const row = r as Partial<Row> | null;
    const ok = row !== null && typeof row === 'object' && typeof row.name === 'string' && (row.value === null || typeof row.value === 'number') && typeof row.target?.op === 'string' && typeof row.target?.value === 'number';
    if (!ok) throw new Error(`${file}: rows[${i}] is not a benchmark row (it needs name, value, target)`);
  });
  return data as BenchResults;
}

export type Comparison = {
  name: string;
  before: Row | null;
  now: Row | null;
  /** now / before, when both were measured (and before is not 0). */
  factor: number | null;
  /**
   * What changed about the row: it met its target and no longer does, or the other way round; or it is in one
   * run only, though its benchmark ran in both ('new', 'gone'), or because its benchmark ran in one only.
   */
  change: 'now fails' | 'now passes' | 'new' | 'gone' | 'not run before' | 'not run now' | null;
};

/** Rows matched by name, in the newer run's order, then those only the older run had. */
export function compareRuns(before: BenchResults, now: BenchResults): Comparison[] {
  const old = new Map(before.rows.map((r) => [r.name, r]));
  const ranBefore = new Set(before.rows.map((r) => r.bench));
  const ranNow = new Set(now.rows.map((r) => r.bench));
  const out: Comparison[] = [];
  for (const r of now.rows) {
    const b = old.get(r.name) ?? null;
    old.delete(r.name);
    const factor = b && b.value !== null && r.value !== null && b.value !== 0 ? r.value / b.value : null;
    const change = b === null ? (ranBefore.has(r.bench) ? 'new' : 'not run before') : b.pass === true && r.pass === false ? 'now fails' : b.pass === false && r.pass === true ? 'now passes' : null;
    out.push({ name: r.name, before: b, now: r, factor, change });
  }
  for (const b of old.values()) out.push({ name: b.name, before: b, now: null, factor: null, change: ranNow.has(b.bench) ? 'gone' : 'not run now' });
  return out;
}

function passText(r: Row | null): string {
  return r === null ? '—' : r.pass === null ? 'skip' : r.pass ? 'pass' : 'FAIL';
}

/** The benchmarks that ran in one of the two runs only, left out of the table. */
function oneSided(before: BenchResults, now: BenchResults): string {
  const groups = (r: BenchResults) => new Set(r.rows.map((x) => x.bench));
  const b = groups(before);
  const n = groups(now);
  const onlyBefore = [...b].filter((g) => !n.has(g));
  const onlyNow = [...n].filter((g) => !b.has(g));
  return (onlyBefore.length ? `\nleft out, run before only: ${onlyBefore.join(', ')}` : '') + (onlyNow.length ? `\nleft out, run now only: ${onlyNow.join(', ')}` : '');
}

function label(r: BenchResults): string {
  return `${r.started.slice(0, 16).replace('T', ' ')} UTC on ${r.machine?.cpus ?? '?'} × ${r.machine?.cpuModel ?? 'unknown'}`;
}

/** The comparison as a table (plain text, or Markdown), headed by when and where each run was made. */
export function formatComparison(before: BenchResults, now: BenchResults, markdown = false): string {
  // A run of some benchmarks (--only) against a full one: the others are not news.
  const rows = compareRuns(before, now).filter((c) => c.change !== 'not run now' && c.change !== 'not run before').map((c) => [
    c.name,
    formatValue(c.before?.value ?? null),
    formatValue(c.now?.value ?? null),
    c.factor === null ? '—' : `${sig(c.factor, 3)}×`,
    formatTarget((c.now ?? c.before)!.target),
    `${passText(c.before)} → ${passText(c.now)}${c.change ? ` (${c.change})` : ''}`,
  ]);
  const intro = `before: ${label(before)}${before.quick ? ' (quick)' : ''}\nnow:    ${label(now)}${now.quick ? ' (quick)' : ''}${oneSided(before, now)}`;
  if (rows.length === 0) return `${intro}\n\nno benchmark ran in both runs`;
  const head = ['benchmark', 'before', 'now', 'now/before', 'target', 'pass'];
  return `${intro}\n\n${markdown ? markdownTable(head, rows) : textTable(head, rows)}`;
}
