/**
 * One station's timeline: its state intervals, completed jobs and active periods, built one report
 * at a time. Jobs are inferred from the reports, because sources report states and the body at the
 * station, never "job finished": a job is complete when the station, having worked on it, lets it go
 * (the job changes) or stops working on it (blocked or starved while still holding it).
 */
import { stationStates, type StationState } from '../../protocol/state.ts';
import { RecordLog } from './record-log.ts';

export const WORKING = 0;
export const STARVED = 1;
export const BLOCKED = 2;
export const DOWN = 3;
export const SETUP = 4;
export const OFF = 5;
/** Before a station's first report: counted apart, never as planned time. */
export const UNKNOWN = 6;
export const STATE_COUNT = 7;
export const stateNames = [...stationStates, 'unknown'] as const;
export type StateName = StationState | 'unknown';

/** Active in the sense of the active period method: not waiting for anyone else. */
export function isActive(code: number): boolean {
  return code === WORKING || code === DOWN || code === SETUP;
}

/** Job flags. */
export const JOB_TRUNCATED = 1;

export const enum ActiveChange {
  none = 0,
  started = 1,
  ended = 2,
}

export class StationTrack {
  /** [time, state code]: the state from `time` until the next record (or now). */
  readonly states = new RecordLog(2);
  /** Completed active periods [start, end). */
  readonly periods = new RecordLog(2);
  /** Completed jobs [start, completion, working ms, flags], in completion order. */
  readonly jobs = new RecordLog(4);
  /** Ids of `jobs` (null for jobs inferred without an id); jobIds[i - jobIdBase]. */
  private jobIds: (string | null)[] = [];
  private jobIdBase = 0;
  /** [start of a job, ms since the start of the job before it]: the gross start-to-start time. */
  readonly intervals = new RecordLog(2);

  state = UNKNOWN;
  /** Time of the last accepted report (reports earlier than this are taken as happening now). */
  last = -Infinity;
  /** Start of the active period in progress, NaN while inactive. */
  periodStart = NaN;
  /** Periods before this absolute index have been read by the bottleneck sweep and are final. */
  sealedPeriods = 0;

  job: string | null = null;
  /** A job with no id, inferred from working after waiting (sources that do not report jobs). */
  private anonymous = false;
  private jobStart = NaN;
  private jobWork = 0;
  private jobDone = true;
  private jobTruncated = false;
  /** Start of the previous job when it completed whole, else NaN. */
  private prevStart = NaN;
  /** The id of the last job that completed here (a departure may be reported after the station moved on). */
  lastCompleted: string | null = null;

  /** Starts the timeline at `t` in the unknown state. */
  begin(t: number): void {
    this.states.push2(t, UNKNOWN);
    this.last = t;
  }

  /**
   * Applies one report. `job` undefined keeps the job; `initial` marks the state found when the
   * timeline starts, whose job began at some unknown earlier time. Returns how the active state moved.
   */
  report(t: number, code: number, job: string | null | undefined, initial = false): ActiveChange {
    if (t < this.last) t = this.last;
    const nextJob = job === undefined ? this.job : job;
    const prev = this.state;
    if (code === prev && nextJob === this.job) return ActiveChange.none;

    const open = (this.job !== null || this.anonymous) && !this.jobDone;
    if (open && prev === WORKING) this.jobWork += t - this.last;
    this.last = t;
    if (open) {
      // For a job without an id, "let go" means a job with an id took its place.
      const released = nextJob !== this.job;
      if (this.jobWork > 0 && (released || code === BLOCKED || code === STARVED)) this.complete(t);
      else if (released) this.prevStart = NaN;
    }
    if (nextJob !== this.job) {
      if (nextJob !== null || code === WORKING) this.startJob(t, nextJob, initial);
      else {
        this.job = null;
        this.anonymous = false;
      }
    } else if (nextJob === null && code === WORKING && (!this.anonymous || this.jobDone)) {
      this.startJob(t, null, initial);
    }

    if (code === prev) return ActiveChange.none;
    const last = this.states.end - 1;
    if (this.states.length > 0 && this.states.get(last) === t) this.states.set(last, 1, code);
    else this.states.push2(t, code);
    this.state = code;
    const was = isActive(prev);
    const is = isActive(code);
    if (!was && is) {
      const p = this.periods.end - 1;
      // A wait of no duration is no wait: the period goes on (unless the sweep has read it already).
      if (this.periods.length > 0 && p >= this.sealedPeriods && this.periods.get(p, 1) === t) {
        this.periodStart = this.periods.get(p, 0);
        this.periods.pop();
      } else this.periodStart = t;
      return ActiveChange.started;
    }
    if (was && !is) {
      if (t > this.periodStart) this.periods.push2(this.periodStart, t);
      this.periodStart = NaN;
      return ActiveChange.ended;
    }
    return ActiveChange.none;
  }

  private startJob(t: number, id: string | null, initial: boolean): void {
    if (!Number.isNaN(this.prevStart) && !initial) this.intervals.push2(t, t - this.prevStart);
    // Set again when this job completes whole.
    this.prevStart = NaN;
    this.job = id;
    this.anonymous = id === null;
    this.jobStart = t;
    this.jobWork = 0;
    this.jobDone = false;
    this.jobTruncated = initial;
  }

  private complete(t: number): void {
    this.jobs.push4(this.jobStart, t, this.jobWork, this.jobTruncated ? JOB_TRUNCATED : 0);
    this.jobIds.push(this.job);
    this.lastCompleted = this.job;
    this.jobDone = true;
    this.prevStart = this.jobTruncated ? NaN : this.jobStart;
  }

  /** Id of the completed job with absolute index i. */
  jobId(i: number): string | null {
    return this.jobIds[i - this.jobIdBase] ?? null;
  }

  /** The job in progress: id, start and working time so far (up to `now`), or null. */
  currentJob(now: number): { id: string | null; start: number; workMs: number } | null {
    if ((this.job === null && !this.anonymous) || this.jobDone) return null;
    const extra = this.state === WORKING ? Math.max(0, now - this.last) : 0;
    return { id: this.job, start: this.jobStart, workMs: this.jobWork + extra };
  }

  /**
   * Forgets what ended before `cutoff`, keeping the state in effect at it. Periods the bottleneck
   * sweep has not read yet (absolute index >= `periodCursor`) are kept whatever their age.
   */
  trim(cutoff: number, periodCursor: number): void {
    const s = this.states.upperBound(cutoff) - 1;
    if (s > this.states.first) this.states.dropBefore(s);
    this.periods.dropBefore(Math.min(periodCursor, this.periods.lowerBound(cutoff, 1)));
    const j = this.jobs.lowerBound(cutoff, 1);
    if (j > this.jobs.first) {
      this.jobs.dropBefore(j);
      this.jobIds.splice(0, j - this.jobIdBase);
      this.jobIdBase = j;
    }
    this.intervals.dropBefore(this.intervals.lowerBound(cutoff));
  }
}

export function stateCode(state: string): number {
  switch (state) {
    case 'working':
      return WORKING;
    case 'starved':
      return STARVED;
    case 'blocked':
      return BLOCKED;
    case 'down':
      return DOWN;
    case 'setup':
      return SETUP;
    case 'off':
      return OFF;
    default:
      return -1;
  }
}
