/**
 * Benchmark: parsing a shift's event log against analysing it. A shift (8 h, 50 stations, about
 * 500,000 station events) is synthesised (shift-log.ts), then timed: (a) parsing the JSON Lines text
 * into changes, one JSON.parse per line; (b) analysing the changes: feeding them into a
 * StationTimelines store and computing every KPI and the bottleneck shares over the whole shift.
 * The target is ratio = analyseMs / parseMs <= 1: the analysis costs no more than reading the log.
 */
import type { Change } from '../../protocol/changes.ts';
import { analyse, type AnalyticsReport } from './report.ts';
import { generateShiftLog, type ShiftLogOptions } from './shift-log.ts';
import { StationTimelines } from './station-timelines.ts';

export type AnalyticsBenchResult = { parseMs: number; analyseMs: number; ratio: number; events: number };

export type AnalyticsBenchOptions = ShiftLogOptions & {
  /** Timed runs of each phase; the median is reported (default 5). */
  repeat?: number;
};

export async function runAnalyticsBench(options: AnalyticsBenchOptions = {}): Promise<AnalyticsBenchResult> {
  const log = generateShiftLog(options);
  const repeat = Math.max(1, options.repeat ?? 5);
  const parseTimes: number[] = [];
  const analyseTimes: number[] = [];
  let report: AnalyticsReport | null = null;
  for (let r = 0; r < repeat; r++) {
    let t0 = performance.now();
    const changes = parseLog(log.text);
    parseTimes.push(performance.now() - t0);
    t0 = performance.now();
    report = analyseChanges(changes, log.scene, log.start, log.end);
    analyseTimes.push(performance.now() - t0);
    // Let timers and GC run between rounds, as a server would.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (!report || report.bottlenecks.main === null) throw new Error('analytics bench: the analysis found no bottleneck');
  const parseMs = median(parseTimes);
  const analyseMs = median(analyseTimes);
  return { parseMs, analyseMs, ratio: analyseMs / parseMs, events: log.stationEvents };
}

/** JSON Lines into changes. */
export function parseLog(text: string): Change[] {
  const out: Change[] = [];
  let at = 0;
  while (at < text.length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    if (nl > at) out.push(JSON.parse(text.slice(at, nl)) as Change);
    at = nl + 1;
  }
  return out;
}

export function analyseChanges(changes: Change[], scene: StationTimelines['scene'], from: number, to: number): AnalyticsReport {
  const store = new StationTimelines(scene, { start: from, retentionMs: Infinity });
  for (let i = 0; i < changes.length; i++) store.apply(changes[i]);
  store.advance(to);
  return analyse(store, from, to);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
