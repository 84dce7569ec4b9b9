/**
 * Analytics (issue 5): analysing a shift's event log takes no longer than parsing it. The
 * measurement itself belongs to the analytics code (server/analytics/bench.ts, a function returning
 * { parseMs, analyseMs, ratio }); this wires it into the table, and says so when it is not there yet.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, row, sig, skipped, type BenchContext, type Benchmark, type Row, type Target } from './harness.ts';

export const ANALYTICS_BENCH = path.join(repoRoot, 'server/analytics/bench.ts');
const TARGET: Target = { op: '<=', value: 1.0 };
const NAME = 'analytics: analyse a shift log vs parse it';

type AnalyticsResult = { parseMs: number; analyseMs: number; ratio: number } & Record<string, unknown>;
type AnalyticsFn = (options?: { quick?: boolean; hours?: number; repeat?: number }) => AnalyticsResult | Promise<AnalyticsResult>;

/** The module's bench function: a conventional name if there is one, else its only exported function. */
function pickFunction(mod: Record<string, unknown>): AnalyticsFn | null {
  for (const name of ['runAnalyticsBench', 'analyticsBench', 'benchAnalytics', 'runBench', 'bench', 'default']) if (typeof mod[name] === 'function') return mod[name] as AnalyticsFn;
  const fns = Object.values(mod).filter((v) => typeof v === 'function');
  return fns.length === 1 ? (fns[0] as AnalyticsFn) : null;
}

export const analyticsBench: Benchmark = {
  name: 'analytics',
  title: 'analysing a shift log vs parsing it (server/analytics/bench.ts)',
  async run(ctx: BenchContext): Promise<Row[]> {
    if (!existsSync(ANALYTICS_BENCH)) return [skipped('analytics', NAME, TARGET, 'server/analytics/bench.ts does not exist yet')];
    // A path known only at run time: the harness must build and run before the analytics code exists.
    const mod = (await import(pathToFileURL(ANALYTICS_BENCH).href)) as Record<string, unknown>;
    const fn = pickFunction(mod);
    if (!fn) throw new Error(`server/analytics/bench.ts exports no bench function (exports: ${Object.keys(mod).join(', ') || 'none'})`);
    // Quick: one hour of log timed twice, enough to prove the wiring; the full run uses its defaults (8 h shift).
    const r = await fn(ctx.quick ? { quick: true, hours: 1, repeat: 2 } : { quick: false });
    for (const k of ['parseMs', 'analyseMs', 'ratio'] as const)
      if (typeof r?.[k] !== 'number' || !Number.isFinite(r[k])) throw new Error(`server/analytics/bench.ts: expected a finite number "${k}" in the result, got ${JSON.stringify(r?.[k])}`);
    const extra: Row['raw'] = {};
    for (const [k, v] of Object.entries(r)) {
      if (k === 'ratio') continue;
      if (typeof v === 'number') extra[k] = sig(v);
      else if (typeof v === 'string' || typeof v === 'boolean') extra[k] = v;
    }
    return [row('analytics', NAME, r.ratio, TARGET, extra)];
  },
};
