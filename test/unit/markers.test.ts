import { describe, expect, it } from 'vitest';
import { createHub } from '../../server/hub/twin-hub.ts';
import { History, recordHubHistory } from '../../server/hub/history.ts';
import { computeMarkers } from '../../server/http/markers.ts';
import type { StationState } from '../../protocol/state.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';

const scene = tinyScene();

function history(events: Array<[number, string, StationState]>) {
  const hub = createHub({ scene });
  const h = new History({ scene, keyframeIntervalMs: 10_000, retentionMs: Infinity });
  for (const id of ['S1', 'S2', 'S3']) hub.sink.apply({ type: 'station', id, state: 'working', ts: 0 });
  hub.tick();
  recordHubHistory(hub, h, 0);
  for (const [t, id, state] of events) {
    hub.sink.apply({ type: 'station', id, state, ts: t });
    hub.sink.time?.(t);
    hub.tick();
  }
  return h;
}

describe('timeline markers', () => {
  it('[TT9] breakdowns are intervals of down per station; a window starting inside one opens at the window', () => {
    const h = history([[5_000, 'S1', 'down'], [9_000, 'S1', 'working'], [12_000, 'S2', 'down'], [20_000, 'S1', 'down'], [25_000, 'S3', 'starved'], [30_000, 'S2', 'blocked']]);
    expect(computeMarkers(h, 0, 40_000).breakdowns).toEqual([
      { station: 'S1', start: 5_000, end: 9_000 },
      { station: 'S2', start: 12_000, end: 30_000 },
      { station: 'S1', start: 20_000, end: null },
    ]);
    expect(computeMarkers(h, 15_000, 25_000).breakdowns).toEqual([
      { station: 'S2', start: 15_000, end: null },
      { station: 'S1', start: 20_000, end: null },
    ]);
  });

  it('[TT10] the state changes of one station, starting with its state at the window start', () => {
    const h = history([[5_000, 'S1', 'down'], [9_000, 'S1', 'working'], [12_000, 'S2', 'down'], [20_000, 'S1', 'blocked']]);
    expect(computeMarkers(h, 6_000, 40_000, 'S1').station).toEqual({
      id: 'S1',
      changes: [{ time: 6_000, state: 'down' }, { time: 9_000, state: 'working' }, { time: 20_000, state: 'blocked' }],
    });
  });
});
