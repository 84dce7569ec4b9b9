import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../protocol/changes.ts';
import type { StationState } from '../../protocol/state.ts';
import { createHub, type Hub } from '../../server/hub/twin-hub.ts';
import { History, recordHubHistory } from '../../server/hub/history.ts';
import { StationTimelines } from '../../server/analytics/station-timelines.ts';
import { closeAnalyticsServers, serveAnalytics } from '../fixtures/analytics-server.ts';
import { kpiCsvColumns } from '../../server/analytics/csv.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { expectReason } from '../fixtures/http-error.ts';
import type { HttpErrorReason } from '../../protocol/http-errors.ts';

const limits: [number, number][] = [[-185, 185], [-80, 60], [-110, 70], [-200, 200], [-125, 125], [-350, 350]];
const scene = tinyScene({
  stations: [
    { id: 'S1', name: 'Framing, "main"', area: 'A', kind: 'framing', position: [-10, 0, 0], footprint: [4, 4], cycleTime: 50, bufferCapacity: 2 },
    { id: 'S2', name: 'Respot', area: 'A', kind: 'weld', position: [0, 0, 0], footprint: [4, 4], cycleTime: 55, bufferCapacity: 1 },
    { id: 'S3', name: 'Inspection', area: 'A', kind: 'inspection', position: [10, 0, 0], footprint: [4, 4], cycleTime: 40, bufferCapacity: 0 },
  ],
  robots: [{ id: 'R1', station: 'S2', model: 'ir-210', base: { position: [0, 0, 3], rotation: 90 }, jointLimits: limits, home: [0, -20, -30, 0, -40, 0], tool: 'spot-weld' }],
});
const at = (hh: number, mm: number) => Date.UTC(2026, 0, 5, hh, mm, 0);
const st = (id: string, state: StationState, ts: number): Change => ({ type: 'station', id, state, ts });

/** The three-station worked example (docs/analytics.md) through a hub, ticking at every change. */
function workedExample(hub: Hub): void {
  const steps: Array<[number, Change[]]> = [
    [at(8, 0), [st('S1', 'starved', at(8, 0)), st('S2', 'starved', at(8, 0)), st('S3', 'starved', at(8, 0))]],
    [at(8, 10), [st('S1', 'working', at(8, 10))]],
    [at(8, 20), [st('S2', 'working', at(8, 20))]],
    [at(8, 30), [st('S3', 'working', at(8, 30))]],
    [at(8, 35), [st('S1', 'starved', at(8, 35))]],
    [at(8, 47), [st('S2', 'blocked', at(8, 47))]],
    [at(8, 55), [st('S3', 'starved', at(8, 55))]],
    [at(9, 0), []],
  ];
  for (const [t, changes] of steps) {
    for (const c of changes) hub.sink.apply(c);
    hub.sink.time?.(t);
    hub.tick();
  }
}

afterEach(closeAnalyticsServers);
const serve = serveAnalytics;

async function liveSetup() {
  const hub = createHub({ scene, tickMs: 1 << 30 });
  hub.sink.time?.(at(7, 59));
  hub.tick();
  const analytics = new StationTimelines(scene);
  analytics.attachToHub(hub);
  workedExample(hub);
  return { hub, analytics, url: await serve({ analytics, history: null, scene, hub }) };
}

const get = async (url: string) => {
  const r = await fetch(url);
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) };
};
type Station = { id: string; soleSeconds: number; shiftingSeconds: number; sole: number; shifting: number; total: number };

describe('analytics API (node:http around createAnalyticsHandler)', () => {
  it('API-A1 /api/bottlenecks: the worked example through a live hub, with ISO and epoch-ms windows', async () => {
    const { url } = await liveSetup();
    for (const q of [`from=${new Date(at(8, 0)).toISOString()}&to=${new Date(at(9, 0)).toISOString()}`, `from=${at(8, 0)}&to=${at(9, 0)}`, 'window=1h']) {
      const r = await get(`${url}/api/bottlenecks?${q}`);
      expect(r.status).toBe(200);
      const body = r.json();
      expect(body.window).toMatchObject({ fromMs: at(8, 0), toMs: at(9, 0), seconds: 3600 });
      const s = Object.fromEntries((body.stations as Station[]).map((x) => [x.id, x]));
      expect([s.S1.soleSeconds, s.S1.shiftingSeconds]).toEqual([600, 900]);
      expect([s.S2.soleSeconds, s.S2.shiftingSeconds]).toEqual([0, 1620]);
      expect([s.S3.soleSeconds, s.S3.shiftingSeconds]).toEqual([480, 1020]);
      expect(body.main).toBe('S2');
      expect(body.ranking).toEqual(['S2', 'S1', 'S3']);
      expect(body.now).toBeNull();
    }
  });

  it('API-A2 /api/kpis: per-station shares, cycle and OEE fields, bottleneck shares, line KPIs and notes', async () => {
    const { url } = await liveSetup();
    const r = await get(`${url}/api/kpis?from=${at(8, 0)}&to=${at(9, 0)}`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/application\/json/);
    const body = r.json();
    const s1 = body.stations[0];
    expect(s1.id).toBe('S1');
    expect(s1.shares).toMatchObject({ working: round6(25 / 60), starved: round6(35 / 60) });
    expect(s1.availability).toBe(1);
    expect(s1.quality).toBeNull();
    expect(s1.bottleneck).toEqual({ sole: round6(10 / 60), shifting: 0.25, total: round6(25 / 60) });
    expect(body.line).toMatchObject({ endStations: ['S3'], plannedJobsPerHour: 60 });
    expect(body.bottlenecks.main).toBe('S2');
    expect(body.taktTime).toBe(60);
    expect(body.notes.join(' ')).toMatch(/quality/);
  });

  it('API-A3 format=csv: a header row, one row per station, RFC 4180 quoting, text/csv', async () => {
    const { url } = await liveSetup();
    const r = await get(`${url}/api/kpis?from=${at(8, 0)}&to=${at(9, 0)}&format=csv`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/csv/);
    const lines = r.text.split('\r\n');
    expect(lines[lines.length - 1]).toBe(''); // ends with CRLF
    expect(lines[0]).toBe(kpiCsvColumns.join(','));
    expect(lines).toHaveLength(3 + 2);
    expect(lines[1].startsWith('S1,"Framing, ""main""",0.416667,0.583333,0,0,0,0,0,')).toBe(true);
    expect(lines[1].split(',').length).toBe(kpiCsvColumns.length + 1); // the quoted comma
    const b = await get(`${url}/api/bottlenecks?from=${at(8, 0)}&to=${at(9, 0)}&format=csv`);
    expect(b.text).toBe(
      'station,name,sole,shifting,total,sole_s,shifting_s,rank\r\n' +
        'S1,"Framing, ""main""",0.166667,0.25,0.416667,600,900,2\r\n' +
        'S2,Respot,0,0.45,0.45,0,1620,1\r\n' +
        'S3,Inspection,0.133333,0.283333,0.416667,480,1020,3\r\n',
    );
  });

  it('API-A4 bad parameters: 400 naming the parameter; windows outside the data: 416; other methods: 405; each with its reason', async () => {
    const { url } = await liveSetup();
    const iso = (t: number) => new Date(t).toISOString();
    const bad: Array<[string, string, HttpErrorReason, Record<string, string> | undefined]> = [
      ['from=yesterday', 'from', 'invalid-time', { parameter: 'from', value: 'yesterday' }],
      ['to=12:00', 'to', 'invalid-time', { parameter: 'to', value: '12:00' }],
      ['window=forever', 'window', 'invalid-window', { value: 'forever' }],
      ['format=xml', 'format', 'invalid-format', { value: 'xml' }],
      ['form=1', 'form', 'unknown-parameter', { parameter: 'form', expected: 'from, to, window, format' }],
      [`from=${at(9, 0)}&to=${at(8, 0)}`, 'from', 'from-not-before-to', { from: iso(at(9, 0)), to: iso(at(8, 0)) }],
      [`from=${at(8, 0)}&to=${at(9, 0)}&window=1h`, 'window', 'window-overdetermined', undefined],
      ['window=1h&window=8h', 'window', 'repeated-parameter', { parameter: 'window' }],
    ];
    for (const [q, param, reason, params] of bad) {
      const r = await get(`${url}/api/kpis?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.json().parameter).toBe(param);
      expect(r.json().error).toMatch(new RegExp(`^(${param}|unknown parameter "${param}")`));
      expectReason(r.json(), reason, params);
    }
    const out = await get(`${url}/api/bottlenecks?from=${at(12, 0)}&window=1h`);
    expect(out.status).toBe(416);
    expect(out.json().error).toMatch(/outside the data/);
    expect(out.json().from).toBe(new Date(at(7, 59)).toISOString());
    expectReason(out.json(), 'outside-data', { from: iso(at(12, 0)), to: iso(at(13, 0)), dataFrom: iso(at(7, 59)), dataTo: iso(at(9, 0)) });
    const post = await fetch(`${url}/api/kpis`, { method: 'POST' });
    expect(post.status).toBe(405);
    expectReason(await post.json(), 'method-not-allowed', { method: 'POST' });
    // A store with nothing in it yet.
    const empty = await serve({ analytics: new StationTimelines(scene), history: null, scene, hub: createHub({ scene, tickMs: 1 << 30 }) });
    const none = await get(`${empty}/api/kpis`);
    expect(none.status).toBe(416);
    expect(none.json()).toMatchObject({ error: 'no data yet: analytics needs station reports', from: null, to: null });
    expectReason(none.json(), 'no-data-yet');
    const other = await get(`${url}/api/state`);
    expect(other.json().error).toBe('fallback'); // not ours: the handler says false
  });

  it('API-A5 defaults and named windows end at the hub clock; a window reaching past the data is clipped with a note', async () => {
    const { url, hub } = await liveSetup();
    hub.sink.time?.(at(9, 30)); // time passes with no change: no frame, the hub clock moves
    hub.tick();
    const d = (await get(`${url}/api/kpis`)).json();
    expect(d.window).toMatchObject({ fromMs: at(8, 30), toMs: at(9, 30) });
    const w = (await get(`${url}/api/bottlenecks?window=15m`)).json();
    expect(w.window).toMatchObject({ fromMs: at(9, 15), toMs: at(9, 30) });
    const shift = (await get(`${url}/api/kpis?window=shift`)).json();
    expect(shift.window).toMatchObject({ fromMs: at(7, 59), toMs: at(9, 30) });
    expect(shift.notes.join(' ')).toMatch(/clipped/);
  });

  it('API-A6 without a live store, a recorded history answers the same', async () => {
    const hub = createHub({ scene, tickMs: 1 << 30 });
    hub.sink.time?.(at(7, 59));
    hub.tick();
    const history = new History({ scene, retentionMs: Infinity });
    recordHubHistory(hub, history, 0);
    workedExample(hub);
    const url = await serve({ analytics: null, history, scene, hub });
    const body = (await get(`${url}/api/bottlenecks?from=${at(8, 0)}&to=${at(9, 0)}`)).json();
    const s = Object.fromEntries((body.stations as Station[]).map((x) => [x.id, x]));
    expect([s.S1.soleSeconds, s.S2.shiftingSeconds, s.S3.soleSeconds]).toEqual([600, 1620, 480]);
  });

  it('API-A7 many pages polling one live window share one analysis: same second, same report; new data after a second', async () => {
    const { url, hub } = await liveSetup();
    const first = (await get(`${url}/api/kpis?window=1h`)).json();
    const again = (await get(`${url}/api/kpis?window=1h`)).json();
    expect(again).toEqual(first);
    // The window ends on a whole second of the hub clock.
    expect(first.window.toMs % 1000).toBe(0);
    // S1 breaks down: within the second the shared report stands; after it, the new state is in.
    hub.sink.apply(st('S1', 'down', at(9, 0) + 400));
    hub.sink.time?.(at(9, 0) + 1500);
    hub.tick();
    const s1 = (r: { stations: Array<{ id: string; shares: { down: number } }> }) => r.stations.find((x) => x.id === 'S1')!.shares.down;
    expect(s1(first)).toBe(0);
    await new Promise((r) => setTimeout(r, 1100));
    const later = (await get(`${url}/api/kpis?window=1h`)).json();
    expect(later.window.toMs).toBe(at(9, 0) + 1000);
    expect(s1(later)).toBeGreaterThan(0);
  });
});

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
