/**
 * Station and line KPIs over a window [from, to) of a StationTimelines store. Definitions (and why
 * these ones) are in docs/analytics.md; the short form is next to each field.
 */
import { JOB_TRUNCATED, OFF, DOWN, STATE_COUNT, UNKNOWN, stateNames, type StateName, type StationTrack } from './station-track.ts';
import type { StationTimelines } from './station-timelines.ts';
import { ratio, round, summarise, type Summary } from './stats.ts';

export type StateShares = Record<StateName, number>;

export type CycleTimeStats = Summary & {
  /** mean, p50 and p95 divided by the scene's takt time. */
  meanVsTakt: number | null;
  p50VsTakt: number | null;
  p95VsTakt: number | null;
  /** mean, p50 and p95 divided by the station's nominal cycle time. */
  meanVsNominal: number | null;
  p50VsNominal: number | null;
  p95VsNominal: number | null;
};

export type StationKpis = {
  id: string;
  name: string;
  /** Nominal cycle time from the scene, seconds. */
  nominalCycleTime: number;
  /** Share of the window in each state (unknown: before the station's first report). */
  shares: StateShares;
  /** Window minus off and unknown time, seconds. */
  plannedSeconds: number;
  /** Planned time minus down time, seconds (the OEE "run time"). */
  runSeconds: number;
  /** Jobs completed in the window (completion time inside it). */
  jobsCompleted: number;
  throughputPerHour: number;
  /** Net cycle time: working time per completed job, seconds (jobs begun before the data began excluded). */
  cycleTime: CycleTimeStats;
  /** Gross cycle time: from a job's start to the next job's start at this station, seconds. */
  jobInterval: Summary;
  /** 1 − down / planned. */
  availability: number | null;
  /** nominal cycle × jobs completed / run time. */
  performance: number | null;
  /** Not in the data: no quality signal reaches the twin. */
  quality: null;
  /** availability × performance (quality unknown, taken as 1). */
  oee: number | null;
};

export type LineKpis = {
  endStations: string[];
  /** What a finished body is counted from. */
  departuresFrom: 'body-removals' | 'end-station-jobs';
  bodiesCompleted: number;
  jobsPerHour: number;
  /** 3600 / takt time. */
  plannedJobsPerHour: number;
  /** jobsPerHour / plannedJobsPerHour. */
  jphVsPlan: number;
  /** Share of inter-departure times (ending in the window) that were at most the takt time. */
  taktAdherence: number | null;
  /** Time between consecutive finished bodies, seconds. */
  interDeparture: Summary;
  wip: {
    /** Bodies in the plant at the end of the window. */
    atEnd: number | null;
    /** Time-weighted mean of the bodies in the plant over the window. */
    mean: number | null;
  };
};

/** Milliseconds of [from, to) the track spent in each state code (index UNKNOWN: no data). */
export function stateTimes(track: StationTrack, from: number, to: number, now: number): Float64Array {
  const out = new Float64Array(STATE_COUNT);
  const log = track.states;
  let i = log.upperBound(from) - 1;
  if (i < log.first) {
    const firstT = log.length > 0 ? log.get(log.first) : to;
    if (firstT > from) out[UNKNOWN] += Math.min(firstT, to) - from;
    i = log.first;
  }
  for (; i < log.end; i++) {
    const a = Math.max(log.get(i), from);
    const next = i + 1 < log.end ? log.get(i + 1) : Math.max(now, to);
    const b = Math.min(next, to);
    if (b > a) out[log.get(i, 1)] += b - a;
    if (next >= to) break;
  }
  return out;
}

export function stationKpis(store: StationTimelines, s: number, from: number, to: number): StationKpis {
  const def = store.scene.stations[s];
  const track = store.track(s);
  const windowMs = to - from;
  const now = store.to ?? to;
  const times = stateTimes(track, from, to, now);
  const shares = {} as StateShares;
  stateNames.forEach((name, i) => (shares[name] = round(windowMs > 0 ? times[i] / windowMs : 0) as number));

  const jobs = track.jobs;
  const j0 = jobs.lowerBound(from, 1);
  const j1 = jobs.lowerBound(to, 1, j0);
  const work: number[] = [];
  for (let j = j0; j < j1; j++) if ((jobs.get(j, 3) & JOB_TRUNCATED) === 0) work.push(jobs.get(j, 2));
  const completed = j1 - j0;
  const intervals = track.intervals;
  const i0 = intervals.lowerBound(from);
  const i1 = intervals.lowerBound(to, 0, i0);
  const gaps = new Float64Array(i1 - i0);
  for (let i = i0; i < i1; i++) gaps[i - i0] = intervals.get(i, 1);

  const cycle = summarise(Float64Array.from(work));
  const takt = store.scene.taktTime;
  const nominal = def.cycleTime;
  const planned = windowMs - times[OFF] - times[UNKNOWN];
  const run = planned - times[DOWN];
  const availability = planned > 0 ? 1 - times[DOWN] / planned : null;
  const performance = run > 0 ? (nominal * 1000 * completed) / run : null;
  return {
    id: def.id,
    name: def.name,
    nominalCycleTime: nominal,
    shares,
    plannedSeconds: round(planned / 1000, 3) as number,
    runSeconds: round(run / 1000, 3) as number,
    jobsCompleted: completed,
    throughputPerHour: round(windowMs > 0 ? (completed * 3600_000) / windowMs : 0) as number,
    cycleTime: {
      ...roundSummary(cycle),
      meanVsTakt: round(ratio(cycle.mean, takt)),
      p50VsTakt: round(ratio(cycle.p50, takt)),
      p95VsTakt: round(ratio(cycle.p95, takt)),
      meanVsNominal: round(ratio(cycle.mean, nominal)),
      p50VsNominal: round(ratio(cycle.p50, nominal)),
      p95VsNominal: round(ratio(cycle.p95, nominal)),
    },
    jobInterval: roundSummary(summarise(gaps)),
    availability: round(availability),
    performance: round(performance),
    quality: null,
    oee: round(availability !== null && performance !== null ? availability * performance : null),
  };
}

export function lineKpis(store: StationTimelines, from: number, to: number): LineKpis {
  const windowMs = to - from;
  const takt = store.scene.taktTime;
  const fromRemovals = store.hasRemovals;
  const times = fromRemovals ? departuresFromLog(store) : departuresFromJobs(store);
  // Departures in [from, to), and the one before `from` (if kept) to time the first of them.
  let lo = lowerBound(times, from);
  const hi = lowerBound(times, to);
  const count = hi - lo;
  const gaps: number[] = [];
  if (lo > 0) lo--;
  for (let i = lo + 1; i < hi; i++) if (times[i] >= from) gaps.push(times[i] - times[i - 1]);
  let within = 0;
  for (const g of gaps) if (g <= takt * 1000) within++;
  const jph = windowMs > 0 ? (count * 3600_000) / windowMs : 0;
  const planned = 3600 / takt;
  return {
    endStations: store.endStations.map((s) => store.stationIds[s]),
    departuresFrom: fromRemovals ? 'body-removals' : 'end-station-jobs',
    bodiesCompleted: count,
    jobsPerHour: round(jph) as number,
    plannedJobsPerHour: round(planned) as number,
    jphVsPlan: round(jph / planned) as number,
    taktAdherence: round(gaps.length > 0 ? within / gaps.length : null),
    interDeparture: roundSummary(summarise(Float64Array.from(gaps))),
    wip: store.hasBodies ? wipOver(store, from, to) : { atEnd: null, mean: null },
  };
}

function departuresFromLog(store: StationTimelines): Float64Array {
  const log = store.departures;
  const out = new Float64Array(log.length);
  for (let i = log.first; i < log.end; i++) out[i - log.first] = log.get(i);
  return out;
}

/** Without body removals, a job completed at an end station is a finished body. */
function departuresFromJobs(store: StationTimelines): Float64Array {
  const all: number[] = [];
  for (const s of store.endStations) {
    const jobs = store.track(s).jobs;
    for (let j = jobs.first; j < jobs.end; j++) all.push(jobs.get(j, 1));
  }
  const out = Float64Array.from(all);
  if (store.endStations.length > 1) out.sort();
  return out;
}

function wipOver(store: StationTimelines, from: number, to: number): LineKpis['wip'] {
  const log = store.wip;
  if (log.length === 0) return { atEnd: null, mean: null };
  const endIdx = log.upperBound(to) - 1;
  const atEnd = endIdx >= log.first ? log.get(endIdx, 1) : null;
  let area = 0;
  let known = 0;
  let i = Math.max(log.first, log.upperBound(from) - 1);
  for (; i < log.end; i++) {
    const a = Math.max(log.get(i), from);
    const next = i + 1 < log.end ? log.get(i + 1) : to;
    const b = Math.min(next, to);
    if (b > a) {
      area += (b - a) * log.get(i, 1);
      known += b - a;
    }
    if (next >= to) break;
  }
  return { atEnd, mean: round(known > 0 ? area / known : null, 3) };
}

function roundSummary(s: Summary): Summary {
  return { count: s.count, mean: round(s.mean, 3), p50: round(s.p50, 3), p95: round(s.p95, 3) };
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
