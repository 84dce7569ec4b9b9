/**
 * Imports a station event log exported from an MES or PLC historian (CSV) as a recording.
 * Columns (header row required, any order, case-insensitive): timestamp, station, state, and
 * optionally job and cycle_time. Timestamps are ISO 8601 or epoch milliseconds; states are the
 * protocol's or a common synonym (STATE_SYNONYMS). Bad lines are reported with their line number
 * and skipped unless `strict`; unknown station ids are listed once.
 */
import { createReadStream } from 'node:fs';
import { createWriteStream } from 'node:fs';
import { createGzip } from 'node:zlib';
import { once } from 'node:events';
import { parse } from 'csv-parse';
import type { ResolvedScene } from '../../protocol/scene.ts';
import type { StationChange } from '../../protocol/changes.ts';
import { stationStates, type StationState } from '../../protocol/state.ts';
import { createHub } from '../hub/twin-hub.ts';
import { RECORDING_FORMAT, RECORDING_VERSION, type RecordingHeader } from './format.ts';

/** Words plants use for our states (lower case). */
export const STATE_SYNONYMS: Record<string, StationState> = {
  running: 'working', run: 'working', busy: 'working', producing: 'working', execute: 'working', auto: 'working', active: 'working',
  idle: 'starved', waiting: 'starved', starving: 'starved', 'no-part': 'starved', empty: 'starved',
  full: 'blocked', blocking: 'blocked', 'output-full': 'blocked', held: 'blocked',
  fault: 'down', error: 'down', alarm: 'down', breakdown: 'down', failure: 'down', failed: 'down', stopped_fault: 'down', aborted: 'down',
  changeover: 'setup', tooling: 'setup', 'tool-change': 'setup', maintenance: 'setup',
  stopped: 'off', stop: 'off', break: 'off', 'planned-stop': 'off', shutdown: 'off', offline: 'off',
};

export function parseState(text: string): StationState | null {
  const k = text.trim().toLowerCase().replace(/[\s]+/g, '-');
  if ((stationStates as readonly string[]).includes(k)) return k as StationState;
  const u = k.replace(/-/g, '_');
  // Own entries only: "constructor" or "__proto__" is no state.
  return Object.hasOwn(STATE_SYNONYMS, k) ? STATE_SYNONYMS[k] : Object.hasOwn(STATE_SYNONYMS, u) ? STATE_SYNONYMS[u] : null;
}

export function parseTimestamp(text: string): number | null {
  const t = text.trim();
  if (/^\d{9,}(\.\d+)?$/.test(t)) return Number(t);
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return null;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : null;
}

export class CsvImportError extends Error {
  override name = 'CsvImportError';
}

export type CsvImport = {
  changes: StationChange[];
  warnings: string[];
  stats: { rows: number; imported: number; skipped: number; unknownStations: string[] };
};

export async function readCsvLog(file: string, scene: ResolvedScene, options: { strict?: boolean; maxWarnings?: number } = {}): Promise<CsvImport> {
  const maxWarnings = options.maxWarnings ?? 50;
  const warnings: string[] = [];
  let suppressed = 0;
  const stations = new Set(scene.stations.map((s) => s.id));
  const unknown = new Map<string, number>();
  const changes: StationChange[] = [];
  const stats = { rows: 0, imported: 0, skipped: 0, unknownStations: [] as string[] };
  const bad = (line: number, why: string) => {
    if (options.strict) throw new CsvImportError(`${file}: line ${line}: ${why} (--strict stops at the first bad line)`);
    stats.skipped++;
    if (warnings.length < maxWarnings) warnings.push(`${file}: line ${line}: ${why}; line skipped`);
    else suppressed++;
  };

  let columns: Record<string, number> | null = null;
  const parser = createReadStream(file).pipe(
    parse({ delimiter: [',', ';', '\t'], relax_column_count: true, skip_empty_lines: true, trim: true, bom: true, info: true }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines;
      if (!columns) {
        const names = record.map((h) => h.toLowerCase().replace(/[\s-]+/g, '_'));
        const find = (...alts: string[]) => names.findIndex((n) => alts.includes(n));
        columns = { timestamp: find('timestamp', 'time', 'ts'), station: find('station', 'station_id'), state: find('state', 'status'), job: find('job', 'vin', 'body'), cycle: find('cycle_time', 'cycletime') };
        const missing = ['timestamp', 'station', 'state'].filter((c) => columns![c] < 0);
        if (missing.length) throw new CsvImportError(`${file}: line 1 must be a header row naming the columns timestamp, station and state; missing: ${missing.join(', ')} (found: ${record.join(', ')})`);
        continue;
      }
      stats.rows++;
      const cell = (i: number) => (i >= 0 ? (record[i] ?? '') : '');
      const ts = parseTimestamp(cell(columns.timestamp));
      if (ts === null) { bad(line, `timestamp "${cell(columns.timestamp)}" is neither ISO 8601 nor epoch milliseconds`); continue; }
      const station = cell(columns.station);
      if (!stations.has(station)) {
        unknown.set(station, (unknown.get(station) ?? 0) + 1);
        if (options.strict) bad(line, `unknown station "${station}"`);
        else stats.skipped++;
        continue;
      }
      const state = parseState(cell(columns.state));
      if (state === null) { bad(line, `state "${cell(columns.state)}" is not one of ${stationStates.join(', ')} or a known synonym (see docs/recording-format.md)`); continue; }
      const cycle = cell(columns.cycle);
      if (cycle !== '' && !(Number(cycle) >= 0)) { bad(line, `cycle_time "${cycle}" is not a number of seconds`); continue; }
      const job = cell(columns.job);
      changes.push({ type: 'station', id: station, state, ts, ...(columns.job >= 0 ? { job: job === '' ? null : job } : {}) });
      stats.imported++;
    }
  } catch (e) {
    if (e instanceof CsvImportError) throw e;
    throw new CsvImportError(`${file}: ${(e as Error).message}`);
  }
  if (!columns) throw new CsvImportError(`${file}: the file is empty (expected a header row: timestamp,station,state)`);
  if (unknown.size > 0) {
    stats.unknownStations = [...unknown.keys()];
    warnings.push(`${file}: ${[...unknown.values()].reduce((a, b) => a + b, 0)} rows name stations that are not in scene "${scene.id}" and were skipped: ${[...unknown.entries()].map(([id, n]) => `${id} (${n})`).join(', ')}`);
  }
  if (suppressed) warnings.push(`${file}: … and ${suppressed} more bad lines`);
  if (changes.length === 0) throw new CsvImportError(`${file}: no usable rows (${stats.rows} rows, ${stats.skipped} skipped)`);
  // Logs from several controllers are rarely in order; a stable sort keeps same-time rows in file order.
  changes.sort((a, b) => a.ts - b.ts);
  return { changes, warnings, stats };
}

/**
 * Writes station changes as a recording: stations not yet reported start as `off` with quality
 * `stale` (unknown) at the first timestamp; one change line per distinct timestamp.
 */
export async function writeRecordingFromChanges(out: string, scene: ResolvedScene, changes: StationChange[], source: string, keyframeIntervalMs = 60_000): Promise<void> {
  const file = createWriteStream(out);
  const sink = out.endsWith('.gz') ? createGzip() : null;
  if (sink) sink.pipe(file);
  const w = sink ?? file;
  const write = async (obj: unknown) => {
    if (!w.write(JSON.stringify(obj) + '\n')) await once(w, 'drain');
  };
  const start = changes[0].ts;
  const hub = createHub({ scene, tickMs: 1 << 30 });
  for (const s of scene.stations) hub.sink.apply({ type: 'station', id: s.id, state: 'off', quality: 'stale', ts: start, job: null });
  hub.sink.time?.(start);
  hub.tick();
  const header: RecordingHeader = { format: RECORDING_FORMAT, version: RECORDING_VERSION, scene: scene.id, start, source, keyframeInterval: keyframeIntervalMs, created: new Date().toISOString() };
  await write(header);
  const keyframe = async () => {
    const s = hub.snapshot();
    await write({ type: 'keyframe', t: s.time, rev: s.revision, state: { stations: s.stations, robots: s.robots, bodies: s.bodies } });
    return s.time;
  };
  let lastKey = await keyframe();
  for (let i = 0; i < changes.length; ) {
    const t = changes[i].ts;
    const group: StationChange[] = [];
    for (; i < changes.length && changes[i].ts === t; i++) group.push(changes[i]);
    for (const c of group) hub.sink.apply(c);
    hub.sink.time?.(t);
    hub.tick();
    await write({ type: 'changes', t, rev: hub.revision, changes: group });
    if (t - lastKey >= keyframeIntervalMs) lastKey = await keyframe();
  }
  w.end();
  await once(file, 'close');
}
