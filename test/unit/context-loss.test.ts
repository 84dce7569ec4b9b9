/**
 * The 3D view's watch on its WebGL context (client/src/scene/context-loss.ts): when the view starts over,
 * and when it must not. The browser side (a real lost context in Chromium) is E2E-SF7 and E2E-SF8.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { contextLosses, RESTORE_WAIT_MS, watchContextLoss } from '../../client/src/scene/context-loss.ts';

const lost = (t: EventTarget) => t.dispatchEvent(new Event('webglcontextlost'));
const restored = (t: EventTarget) => t.dispatchEvent(new Event('webglcontextrestored'));

describe('watchContextLoss', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    contextLosses.count = 0;
    contextLosses.restarts = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('[CTX1] restarts as soon as a lost context comes back, once, and says why', () => {
    const canvas = new EventTarget();
    const restart = vi.fn();
    watchContextLoss(canvas, () => true, restart);
    restored(canvas);
    expect(restart).not.toHaveBeenCalled();
    lost(canvas);
    expect(contextLosses).toEqual({ count: 1, restarts: 0 });
    vi.advanceTimersByTime(RESTORE_WAIT_MS / 2);
    restored(canvas);
    expect(restart).toHaveBeenCalledExactlyOnceWith('restored');
    // The timer went with it, and later events on the old canvas change nothing.
    vi.advanceTimersByTime(RESTORE_WAIT_MS * 2);
    lost(canvas);
    restored(canvas);
    expect(restart).toHaveBeenCalledTimes(1);
    expect(contextLosses).toEqual({ count: 1, restarts: 1 });
  });

  it('[CTX2] restarts after the wait when the context never comes back', () => {
    const canvas = new EventTarget();
    const restart = vi.fn();
    watchContextLoss(canvas, () => true, restart, 1000);
    lost(canvas);
    lost(canvas);
    vi.advanceTimersByTime(999);
    expect(restart).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(restart).toHaveBeenCalledExactlyOnceWith('not-restored');
    restored(canvas);
    expect(restart).toHaveBeenCalledTimes(1);
    expect(contextLosses).toEqual({ count: 1, restarts: 1 });
  });

  it('[CTX3] a replaced view losing its context on purpose (disposed) restarts nothing; stopping the watch stops it', () => {
    const canvas = new EventTarget();
    const restart = vi.fn();
    let current = true;
    watchContextLoss(canvas, () => current, restart, 1000);
    current = false;
    lost(canvas);
    vi.advanceTimersByTime(5000);
    expect(restart).not.toHaveBeenCalled();
    expect(contextLosses.count).toBe(0);

    const other = new EventTarget();
    const stop = watchContextLoss(other, () => true, restart, 1000);
    lost(other);
    stop();
    vi.advanceTimersByTime(5000);
    restored(other);
    expect(restart).not.toHaveBeenCalled();
  });
});
