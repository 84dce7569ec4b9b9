/**
 * GET /api/stations/:id/timeline and GET /api/bodies/:vin/route (docs/analytics.md) against a real HTTP
 * server around createAnalyticsHandler, fed through a real hub with hand-timed changes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../protocol/changes.ts';
import type { BodyLocation, StationState } from '../../protocol/state.ts';
import { createHub, type Hub } from '../../server/hub/twin-hub.ts';
import { History, recordHubHistory } from '../../server/hub/history.ts';
import { createApp, type App } from '../../server/app.ts';
import { createReplaySource } from '../../server/sources/replay/index.ts';
import { StationTimelines } from '../../server/analytics/station-timelines.ts';
import { closeAnalyticsServers, serveAnalytics } from '../fixtures/analytics-server.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { expectReason } from '../fixtures/http-error.ts';
import type { HttpErrorReason } from '../../protocol/http-errors.ts';

const scene = tinyScene();
const at = (mm: number, ss = 0) => Date.UTC(2026, 0, 5, 8, mm, ss);
const iso = (t: number) => new Date(t).toISOString();
const st = (id: string, state: StationState, ts: number, job?: string | null): Change => ({ type: 'station', id, state, ts, ...(job !== undefined ? { job } : {}) });
const body = (id: string, location: BodyLocation, ts: number): Change => ({ type: 'body', id, model: 'sedan', color: null, location, ts });
const atStation = (station: string): BodyLocation => ({ kind: 'station', station });
const onConveyor = (conveyor: string, progress: number): BodyLocation => ({ kind: 'conveyor', conveyor, progress });

/**
 * 08:00 all starved. VIN1 enters S1 at 08:01 (S1 works until 08:02), rides C1 08:02–08:03, is at S2
 * 08:03–08:06 (S2 down 08:04–08:05), on C2 08:06–08:07, at S3 08:07–08:08, leaves at 08:08. VIN2 enters S1 at
 * 08:05 and is still there at 08:10.
 */
function drive(hub: Hub): void {
  const steps: Array<[number, Change[]]> = [
    [at(0), [st('S1', 'starved', at(0)), st('S2', 'starved', at(0)), st('S3', 'starved', at(0))]],
    [at(1), [body('VIN1', atStation('S1'), at(1)), st('S1', 'working', at(1), 'VIN1')]],
    [at(2), [body('VIN1', onConveyor('C1', 0), at(2)), st('S1', 'starved', at(2), null)]],
    [at(2, 30), [body('VIN1', onConveyor('C1', 0.5), at(2, 30))]],
    [at(3), [body('VIN1', atStation('S2'), at(3)), st('S2', 'working', at(3), 'VIN1')]],
    [at(4), [st('S2', 'down', at(4))]],
    [at(5), [st('S2', 'working', at(5)), body('VIN2', atStation('S1'), at(5)), st('S1', 'working', at(5), 'VIN2')]],
    [at(6), [body('VIN1', onConveyor('C2', 0), at(6)), st('S2', 'starved', at(6), null)]],
    [at(7), [body('VIN1', atStation('S3'), at(7)), st('S3', 'working', at(7), 'VIN1')]],
    [at(8), [{ type: 'body-remove', id: 'VIN1', ts: at(8) }, st('S3', 'starved', at(8), null)]],
    [at(10), []],
  ];
  for (const [t, changes] of steps) {
    for (const c of changes) hub.sink.apply(c);
    hub.sink.time?.(t);
    hub.tick();
  }
}

const apps: App[] = [];
afterEach(async () => {
  await closeAnalyticsServers();
  for (const a of apps.splice(0)) await a.close();
});

async function setup(withAnalytics = true) {
  const hub = createHub({ scene, tickMs: 1 << 30 });
  hub.sink.time?.(at(0) - 1000);
  hub.tick();
  const analytics = withAnalytics ? new StationTimelines(scene) : null;
  analytics?.attachToHub(hub);
  drive(hub);
  return serveAnalytics({ analytics, history: null, scene, hub });
}

const get = async (url: string, method = 'GET') => {
  const r = await fetch(url, { method });
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type') ?? '', json: () => JSON.parse(text) };
};

describe('station timeline and body route API', () => {
  it('API-T1 /api/stations/:id/timeline: state intervals, jobs with cycle times, current job and breakdowns', async () => {
    const url = await setup();
    const r = await get(`${url}/api/stations/S2/timeline?from=${at(0)}&to=${new Date(at(10)).toISOString()}`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/application\/json/);
    const tl = r.json();
    expect(tl).toMatchObject({ station: 'S2', name: 'Respot', taktTime: 60, nominalCycleTime: 55 });
    expect(tl.window).toMatchObject({ fromMs: at(0), toMs: at(10), seconds: 600 });
    expect(tl.intervals).toEqual([
      { from: at(0), to: at(3), state: 'starved' },
      { from: at(3), to: at(4), state: 'working' },
      { from: at(4), to: at(5), state: 'down' },
      { from: at(5), to: at(6), state: 'working' },
      { from: at(6), to: at(10), state: 'starved' },
    ]);
    // Net cycle time: two minutes working on VIN1, the breakdown in between not counted.
    expect(tl.jobs).toEqual([{ job: 'VIN1', start: at(3), end: at(6), cycleSeconds: 120, startKnown: true }]);
    expect(tl.breakdowns).toEqual([{ from: at(4), to: at(5), seconds: 60, ongoing: false }]);
    expect(tl.current).toBeNull();
    const s1 = (await get(`${url}/api/stations/S1/timeline?window=15m`)).json();
    expect(s1.current).toEqual({ job: 'VIN2', start: at(5), workSeconds: 300 });
  });

  it('API-T2 timeline errors: unknown station 404, bad times 400 naming the parameter, outside the data 416, POST 405; each with its reason', async () => {
    const url = await setup();
    const unknown = await get(`${url}/api/stations/NOPE/timeline`);
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ station: 'NOPE' });
    expect(unknown.json().error).toMatch(/no station "NOPE"/);
    expectReason(unknown.json(), 'no-station', { station: 'NOPE', scene: scene.id });
    const bad: Array<[string, string, HttpErrorReason, Record<string, string> | undefined]> = [
      ['from=yesterday', 'from', 'invalid-time', { parameter: 'from', value: 'yesterday' }],
      ['to=12:00', 'to', 'invalid-time', { parameter: 'to', value: '12:00' }],
      ['window=forever', 'window', 'invalid-window', { value: 'forever' }],
      [`from=${at(5)}&to=${at(1)}`, 'from', 'from-not-before-to', { from: iso(at(5)), to: iso(at(1)) }],
      ['format=csv', 'format', 'json-only', undefined],
      ['colour=red', 'colour', 'unknown-parameter', { parameter: 'colour', expected: 'from, to, window, format' }],
    ];
    for (const [q, param, reason, params] of bad) {
      const r = await get(`${url}/api/stations/S1/timeline?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.json().parameter, q).toBe(param);
      expect(typeof r.json().error).toBe('string');
      expectReason(r.json(), reason, params);
    }
    const outside = await get(`${url}/api/stations/S1/timeline?from=${at(30)}&to=${at(40)}`);
    expect(outside.status).toBe(416);
    expect(outside.json()).toMatchObject({ toMs: at(10) });
    expectReason(outside.json(), 'outside-data', { from: iso(at(30)), to: iso(at(40)), dataFrom: iso(at(0) - 1000), dataTo: iso(at(10)) });
    const post = await get(`${url}/api/stations/S1/timeline`, 'POST');
    expect(post.status).toBe(405);
    expectReason(post.json(), 'method-not-allowed', { method: 'POST' });
    // Percent-encoded ids are decoded; an id with a slash cannot name a station.
    expect((await get(`${url}/api/stations/%53%31/timeline?window=1h`)).json().station).toBe('S1');
    const encoding = await get(`${url}/api/stations/%E0%A4%A/timeline`);
    expect(encoding.status).toBe(400);
    expectReason(encoding.json(), 'bad-path-encoding');
  });

  it('API-R1 /api/bodies/:vin/route: visits in order with dwell times, a body still in the plant timed up to now', async () => {
    const url = await setup();
    const r = await get(`${url}/api/bodies/VIN1/route`);
    expect(r.status).toBe(200);
    const route = r.json();
    expect(route).toMatchObject({ vin: 'VIN1', inPlant: false, firstSeen: at(1), removed: at(8), totalSeconds: 420, stationSeconds: 300, droppedVisits: 0, notes: [] });
    expect(route.visits.map((v: { kind: string; id: string; dwellSeconds: number }) => [v.kind, v.id, v.dwellSeconds])).toEqual([
      ['station', 'S1', 60],
      ['conveyor', 'C1', 60],
      ['station', 'S2', 180],
      ['conveyor', 'C2', 60],
      ['station', 'S3', 60],
    ]);
    expect(route.visits[2]).toMatchObject({ name: 'Respot', from: at(3), to: at(6), open: false });
    const vin2 = (await get(`${url}/api/bodies/VIN2/route`)).json();
    expect(vin2).toMatchObject({ inPlant: true, removed: null });
    expect(vin2.visits).toEqual([{ kind: 'station', id: 'S1', name: 'Framing', from: at(5), to: null, dwellSeconds: 300, open: true, enteredBeforeData: false }]);
  });

  it('API-R2 route errors: unknown VIN 404, a parameter other than at 400, no analytics 404 saying why', async () => {
    const url = await setup();
    const r = await get(`${url}/api/bodies/NOPE/route`);
    expect(r.status).toBe(404);
    expect(r.json()).toMatchObject({ vin: 'NOPE' });
    expectReason(r.json(), 'no-body', { vin: 'NOPE' });
    const p = await get(`${url}/api/bodies/VIN1/route?from=1`);
    expect(p.status).toBe(400);
    expect(p.json().parameter).toBe('from');
    expectReason(p.json(), 'unknown-parameter', { parameter: 'from', expected: 'at' });
    const none = await setup(false);
    const n = await get(`${none}/api/bodies/VIN1/route`);
    expect(n.status).toBe(404);
    expect(n.json().error).toMatch(/no analytics/);
    expectReason(n.json(), 'no-analytics');
  });

  it('API-R4 ?at= before the first sighting: 404 saying when the body was first seen', async () => {
    const url = await setup();
    const r = await get(`${url}/api/bodies/VIN2/route?at=${at(4)}`);
    expect(r.status).toBe(404);
    expect(r.json()).toMatchObject({ vin: 'VIN2', firstSeen: at(5) });
    expect(r.json().error).toMatch(/no body "VIN2" at 2026-01-05T08:04:00\.000Z: it was first seen at 2026-01-05T08:05:00\.000Z/);
    expectReason(r.json(), 'body-not-yet', { vin: 'VIN2', at: '2026-01-05T08:04:00.000Z', firstSeen: '2026-01-05T08:05:00.000Z' });
    // At the very moment it was first seen, it is there.
    expect((await get(`${url}/api/bodies/VIN2/route?at=${at(5)}`)).status).toBe(200);
  });

  it('API-R5 ?at= mid-visit: later visits left out, the visit then open and timed to at, totals to at, still in the plant', async () => {
    const url = await setup();
    // 08:04:30: VIN1 is at S2 (entered 08:03, left 08:06), removed only at 08:08.
    const r = await get(`${url}/api/bodies/VIN1/route?at=${at(4, 30)}`);
    expect(r.status).toBe(200);
    const route = r.json();
    expect(route).toMatchObject({ vin: 'VIN1', inPlant: true, removed: null, firstSeen: at(1), stationSeconds: 150, totalSeconds: 210 });
    expect(route.visits.map((v: { id: string; to: number | null; dwellSeconds: number; open: boolean }) => [v.id, v.to, v.dwellSeconds, v.open])).toEqual([
      ['S1', at(2), 60, false],
      ['C1', at(3), 60, false],
      ['S2', null, 90, true],
    ]);
    // ISO 8601 too, like /api/state?at=; a visit that ends exactly at `at` is closed.
    const iso = (await get(`${url}/api/bodies/VIN1/route?at=${new Date(at(3)).toISOString()}`)).json();
    expect(iso.visits.map((v: { id: string; open: boolean }) => [v.id, v.open])).toEqual([['S1', false], ['C1', false], ['S2', true]]);
    expect(iso.visits[1]).toMatchObject({ to: at(3), dwellSeconds: 60 });
    expect(iso.visits[2]).toMatchObject({ from: at(3), to: null, dwellSeconds: 0 });
    // A body still in the plant at the end of the data, asked as of a time before its last move.
    const vin2 = (await get(`${url}/api/bodies/VIN2/route?at=${at(6)}`)).json();
    expect(vin2).toMatchObject({ inPlant: true, totalSeconds: 60, stationSeconds: 60 });
    expect(vin2.visits).toEqual([{ kind: 'station', id: 'S1', name: 'Framing', from: at(5), to: null, dwellSeconds: 60, open: true, enteredBeforeData: false }]);
  });

  it('API-R6 ?at= after the removal, or past the data: the same answer as without at', async () => {
    const url = await setup();
    const whole = (await get(`${url}/api/bodies/VIN1/route`)).json();
    for (const t of [at(8), at(9), at(60)]) {
      const r = await get(`${url}/api/bodies/VIN1/route?at=${t}`);
      expect(r.status).toBe(200);
      expect(r.json(), String(t)).toEqual(whole);
    }
    // Past the end of the data (08:10) a body in the plant is timed to the end of the data, not to `at`.
    expect((await get(`${url}/api/bodies/VIN2/route?at=${at(60)}`)).json()).toEqual((await get(`${url}/api/bodies/VIN2/route`)).json());
  });

  it('API-R7 a bad at is a 400 naming the parameter and saying why', async () => {
    const url = await setup();
    for (const [q, param, why, reason, params] of [
      ['at=NaN', 'at', /at: expected an ISO 8601 time or epoch milliseconds, got "NaN"/, 'invalid-time', { parameter: 'at', value: 'NaN' }],
      ['at=', 'at', /got ""/, 'invalid-time', { parameter: 'at', value: '' }],
      ['at=yesterday', 'at', /got "yesterday"/, 'invalid-time', { parameter: 'at', value: 'yesterday' }],
      ['at=Infinity', 'at', /got "Infinity"/, 'invalid-time', { parameter: 'at', value: 'Infinity' }],
      [`at=1${'0'.repeat(400)}`, 'at', /expected an ISO 8601 time/, 'invalid-time', { parameter: 'at', value: `1${'0'.repeat(400)}` }],
      [`at=${at(4)}&at=${at(5)}`, 'at', /at: given more than once/, 'repeated-parameter', { parameter: 'at' }],
      [`at=${at(4)}&from=${at(1)}`, 'from', /unknown parameter "from"; expected at/, 'unknown-parameter', { parameter: 'from', expected: 'at' }],
    ] as const) {
      const r = await get(`${url}/api/bodies/VIN1/route?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.json().parameter, q).toBe(param);
      expect(r.json().error, q).toMatch(why);
      expectReason(r.json(), reason, params);
    }
  });

  it('API-R3 through createApp on a replay: the store built over the recording answers both routes (a route as of a time too); the 404 fallback lists them', async () => {
    const staging = createHub({ scene, tickMs: 1 << 30 });
    staging.sink.time?.(at(0) - 1000);
    staging.tick();
    const history = new History({ scene, retentionMs: Infinity });
    recordHubHistory(staging, history, 0);
    drive(staging);
    // A replay that barely moves: the answers come from the store built over the whole recording.
    const app = createApp({ hub: createHub({ scene }), sources: [createReplaySource(history, { speed: 0.01, loop: false })], history, liveSource: false, staticDir: null });
    apps.push(app);
    const url = `http://127.0.0.1:${await app.listen(0, '127.0.0.1')}`;
    const route = await get(`${url}/api/bodies/VIN1/route`);
    expect(route.status).toBe(200);
    expect(route.json().visits.map((v: { id: string }) => v.id)).toEqual(['S1', 'C1', 'S2', 'C2', 'S3']);
    // The replay's store holds the body's whole future; as of 08:02:30 it is on C1.
    const then = (await get(`${url}/api/bodies/VIN1/route?at=${at(2, 30)}`)).json();
    expect(then).toMatchObject({ inPlant: true, removed: null, totalSeconds: 90 });
    expect(then.visits.map((v: { id: string; open: boolean }) => [v.id, v.open])).toEqual([['S1', false], ['C1', true]]);
    const tl = await get(`${url}/api/stations/S2/timeline?from=${at(0)}&to=${at(10)}`);
    expect(tl.status).toBe(200);
    expect(tl.json().breakdowns).toEqual([{ from: at(4), to: at(5), seconds: 60, ongoing: false }]);
    const none = await get(`${url}/api/nothing`);
    expect(none.status).toBe(404);
    expect(none.json().routes).toEqual(expect.arrayContaining(['/api/stations/:id/timeline', '/api/bodies/:vin/route']));
    expectReason(none.json(), 'no-route', { path: '/api/nothing' });
  });
});
