/**
 * A synthetic shift log for the benchmark: a serial line of N stations over some hours, as JSON
 * Lines of station changes (and the finished bodies leaving the last station), deterministic for a
 * seed (pure-rand). Stations are generated one by one, not simulated together: the log has the shape
 * and volume of real station events (working per job, waits, breakdowns, changeovers), which is what
 * parsing and analysing cost depends on. One station is made slower, so there is a bottleneck to find.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { parseScene, type ResolvedScene } from '../../protocol/scene.ts';

export type ShiftLogOptions = {
  stations?: number;
  hours?: number;
  seed?: number;
  /** Epoch ms of the shift start. */
  start?: number;
};

export type ShiftLog = {
  scene: ResolvedScene;
  /** One change per line, in time order. */
  text: string;
  start: number;
  end: number;
  /** Station changes in the log. */
  stationEvents: number;
  lines: number;
  /** Index of the station made slow. */
  slowStation: number;
};

const TAKT_S = 6;

export function shiftScene(stations: number): ResolvedScene {
  return parseScene({
    specVersion: 1,
    id: 'bench-line',
    name: 'Benchmark line',
    taktTime: TAKT_S,
    areas: [{ id: 'L', name: 'Line', kind: 'assembly', center: [0, 0], size: [stations * 6 + 10, 10] }],
    stations: Array.from({ length: stations }, (_, i) => ({
      id: stationId(i),
      name: `Station ${i + 1}`,
      area: 'L',
      kind: 'assembly',
      position: [i * 6, 0, 0],
      footprint: [4, 4],
      cycleTime: nominal(i, stations),
      bufferCapacity: 2,
    })),
  });
}

export function generateShiftLog(options: ShiftLogOptions = {}): ShiftLog {
  const n = options.stations ?? 50;
  const hours = options.hours ?? 8;
  const seed = options.seed ?? 1;
  const start = options.start ?? Date.UTC(2026, 0, 5, 6, 0, 0);
  const end = start + hours * 3600_000;
  const scene = shiftScene(n);
  const rng = xoroshiro128plus(seed);
  const u = () => uniformFloat64(rng);
  const exp = (mean: number) => -Math.log(1 - u()) * mean;
  const entries: Array<{ t: number; line: string; station: boolean }> = [];
  const emit = (t: number, id: string, state: string, job?: string | null) => {
    const j = job === undefined ? '' : job === null ? ',"job":null' : `,"job":"${job}"`;
    entries.push({ t, line: `{"type":"station","id":"${id}","state":"${state}","ts":${Math.round(t)}${j}}`, station: true });
  };

  for (let i = 0; i < n; i++) {
    const id = stationId(i);
    const cycleMs = nominal(i, n) * 1000;
    let t = start;
    let k = 0;
    emit(t, id, 'starved', null);
    t += u() * 2000;
    while (t < end) {
      const job = `VIN${String(++k).padStart(7, '0')}`;
      emit(t, id, 'working', job);
      let work = cycleMs * (0.9 + 0.3 * u());
      // About one breakdown in 500 jobs, repaired in 0.5 to 5 minutes.
      if (u() < 0.002) {
        const before = work * u();
        emit(t + before, id, 'down');
        const repair = 30_000 + u() * 270_000;
        emit(t + before + repair, id, 'working');
        work += repair;
      }
      t += work;
      // A changeover every 400 jobs.
      if (k % 400 === 0) {
        emit(t, id, 'setup', null);
        t += 60_000 + u() * 60_000;
      }
      // The slow station seldom waits: it is the one the others wait for.
      const r = i === slowIndex(n) ? 0.75 + 0.25 * u() : u();
      if (r < 0.35) {
        emit(t, id, 'blocked');
        t += exp(1500);
        emit(t, id, 'starved', null);
        t += exp(400);
      } else if (r < 0.75 || r > 0.99) {
        emit(t, id, 'starved', null);
        t += exp(1500);
      }
      if (i === n - 1) entries.push({ t, line: `{"type":"body-remove","id":"${job}","ts":${Math.round(t)}}`, station: false });
    }
  }
  entries.sort((a, b) => a.t - b.t);
  const parts: string[] = [];
  let stationEvents = 0;
  for (const e of entries) {
    if (e.t > end) break;
    parts.push(e.line);
    if (e.station) stationEvents++;
  }
  const text = parts.join('\n') + '\n';
  return { scene, text, start, end, stationEvents, lines: parts.length, slowStation: slowIndex(n) };
}

function stationId(i: number): string {
  return `ST-${String(i + 1).padStart(3, '0')}`;
}

function slowIndex(n: number): number {
  return Math.floor(n / 2);
}

/** Nominal cycle times of 3.6 to 4.2 s, and 4.8 s for the slow station (below the 6 s takt). */
function nominal(i: number, n: number): number {
  if (i === slowIndex(n)) return 4.8;
  return 3.6 + ((i * 7) % 13) * 0.05;
}
