/**
 * Replays a loaded recording into the hub: the shared cursor that every client follows unless it
 * scrubs on its own. Play, pause, speed ×0.25…×120, step, seek and loop; a seek is a binary search
 * in the history's keyframes plus at most one keyframe interval of deltas.
 */
import type { Change, ChangeSink } from '../../../protocol/changes.ts';
import type { FrameChangeReader } from '../../../protocol/frame-changes.ts';
import { MAX_SPEED, MIN_SPEED } from '../../../protocol/events.ts';
import type { History } from '../../hub/history.ts';
import { changesOfState } from '../../recording/format.ts';
import type { Source, SourceHealth } from '../source.ts';

export type ReplayOptions = {
  speed?: number;
  loop?: boolean;
  tickMs?: number;
  /** Where-from for health reports (the file name). */
  target?: string;
  clock?: () => number;
  /** No timer: the caller drives the cursor with advance() (tests, benchmarks, tools). */
  manual?: boolean;
};

export function createReplaySource(history: History, options: ReplayOptions = {}) {
  const tickMs = options.tickMs ?? 50;
  const clock = options.clock ?? (() => performance.now());
  let speed = clampSpeed(options.speed ?? 1);
  const loop = options.loop ?? true;
  let sink: ChangeSink | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let playing = true;
  let cursor = history.from ?? 0;
  let next = 0;
  let reader: FrameChangeReader | null = null;
  let last = 0;
  let changesOut = 0;
  const bodies = new Set<string>();

  function emit(c: Change): void {
    if (c.type === 'body') bodies.add(c.id);
    else if (c.type === 'body-remove') bodies.delete(c.id);
    changesOut++;
    sink?.apply(c);
  }

  function seek(t: number): void {
    if (history.from === null || history.to === null) return;
    const target = Math.min(Math.max(t, history.from), history.to);
    const at = history.stateAt(target);
    const state = at.hub.snapshot();
    for (const id of [...bodies]) if (!(id in state.bodies)) emit({ type: 'body-remove', id, ts: target });
    for (const c of changesOfState(state)) emit(c);
    reader = at.reader;
    next = at.next;
    cursor = target;
    sink?.time?.(target);
  }

  function advance(realMs: number): void {
    if (!playing || !reader || history.to === null) return;
    let target = cursor + realMs * speed;
    const end = history.to;
    if (target >= end) target = end;
    const r = reader;
    next = history.forEachDelta(next, target, (e) => {
      for (const c of r.read(e.frame).changes) emit(c);
    });
    cursor = target;
    sink?.time?.(target);
    if (cursor >= end) {
      if (loop && history.from !== null) seek(history.from);
      else playing = false;
    }
  }

  return {
    kind: 'replay' as const,
    start(s: ChangeSink) {
      sink = s;
      seek(history.from ?? 0);
      last = clock();
      if (options.manual) return;
      timer = setInterval(() => {
        const now = clock();
        // A suspended process catches up at most ten seconds of real time.
        advance(Math.min(now - last, 10_000));
        last = now;
      }, tickMs);
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
      sink = null;
    },
    play(newSpeed?: number) {
      if (newSpeed !== undefined) speed = clampSpeed(newSpeed);
      playing = true;
    },
    pause() {
      playing = false;
    },
    setSpeed(s: number) {
      speed = clampSpeed(s);
    },
    seek,
    advance,
    get time() {
      return cursor;
    },
    get playing() {
      return playing;
    },
    get speed() {
      return speed;
    },
    health(): SourceHealth {
      return {
        kind: 'replay',
        target: options.target ?? 'recording',
        connection: timer ? 'running' : 'stopped',
        messageRate: 0,
        messagesTotal: changesOut,
        rejects: {},
        lastMessageAt: null,
      };
    },
  } satisfies Source & Record<string, unknown>;
}

function clampSpeed(s: number): number {
  if (!Number.isFinite(s)) throw new Error(`replay speed must be a number from ${MIN_SPEED} to ${MAX_SPEED}`);
  return Math.min(MAX_SPEED, Math.max(MIN_SPEED, s));
}
