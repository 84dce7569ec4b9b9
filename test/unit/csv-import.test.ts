import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CsvImportError, parseState, parseTimestamp, readCsvLog, writeRecordingFromChanges } from '../../server/recording/csv-import.ts';
import { readRecording } from '../../server/recording/reader.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';

const scene = tinyScene();
const dir = mkdtempSync(path.join(tmpdir(), 'linetwin-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const csv = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};

describe('CSV event log import', () => {
  it('[CSV1] states and synonyms, ISO and epoch times', () => {
    expect(parseState('Running')).toBe('working');
    expect(parseState(' IDLE ')).toBe('starved');
    expect(parseState('fault')).toBe('down');
    expect(parseState('changeover')).toBe('setup');
    expect(parseState('planned stop')).toBe('off');
    expect(parseState('blocked')).toBe('blocked');
    expect(parseState('exploded')).toBeNull();
    // Names every plain object answers to are not states.
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) expect(parseState(name)).toBeNull();
    expect(parseTimestamp('2026-11-24T06:00:00Z')).toBe(Date.UTC(2026, 10, 24, 6));
    expect(parseTimestamp('1795507200000')).toBe(1795507200000);
    expect(parseTimestamp('yesterday')).toBeNull();
    expect(parseTimestamp('12')).toBeNull();
  });

  it('[CSV2] a log with bad rows imports the good ones, sorted, with each problem named by line; unknown stations listed once', async () => {
    const f = csv('log.csv', [
      'Timestamp;Station;State;Job',
      '2026-11-24T06:00:30Z;S1;idle;',
      '2026-11-24T06:00:00Z;S1;running;VIN1',
      'noon;S2;running;',
      '2026-11-24T06:01:00Z;GHOST;running;',
      '2026-11-24T06:01:05Z;GHOST;down;',
      '2026-11-24T06:01:00Z;S2;exploded;',
      '1795507260000;S3;changeover;',
    ].join('\n'));
    const r = await readCsvLog(f, scene);
    expect(r.changes.map((c) => [c.id, c.state])).toEqual([['S1', 'working'], ['S1', 'starved'], ['S3', 'setup']]);
    expect(r.changes[0].job).toBe('VIN1');
    expect(r.stats).toMatchObject({ rows: 7, imported: 3, skipped: 4, unknownStations: ['GHOST'] });
    const w = r.warnings.join('\n');
    expect(w).toContain('line 4: timestamp "noon" is neither ISO 8601 nor epoch milliseconds; line skipped');
    expect(w).toContain('line 7: state "exploded"');
    expect(w).toContain('2 rows name stations that are not in scene "tiny" and were skipped: GHOST (2)');
  });

  it('[CSV3] --strict stops at the first bad line; a missing column or an empty file is an error', async () => {
    const f = csv('bad.csv', 'timestamp,station,state\n2026-11-24T06:00:00Z,S1,running\n2026-11-24T06:00:01Z,S1,??\n');
    await expect(readCsvLog(f, scene, { strict: true })).rejects.toThrow(/line 3: state "\?\?".*--strict/);
    await expect(readCsvLog(csv('nohdr.csv', 'time,where\n1,2\n'), scene)).rejects.toThrow(/missing: station, state/);
    await expect(readCsvLog(csv('empty.csv', ''), scene)).rejects.toBeInstanceOf(CsvImportError);
  });

  it('[CSV4] the imported recording replays the log: state at a time is the last row before it', async () => {
    const f = csv('shift.csv', 'timestamp,station,state\n2026-11-24T06:00:00Z,S1,running\n2026-11-24T06:10:00Z,S1,fault\n2026-11-24T06:12:00Z,S1,running\n2026-11-24T06:05:00Z,S2,idle\n');
    const log = await readCsvLog(f, scene);
    const out = path.join(dir, 'shift.jsonl.gz');
    await writeRecordingFromChanges(out, scene, log.changes, 'csv:shift.csv');
    const { history, header, warnings } = await readRecording(out, scene);
    expect(warnings).toEqual([]);
    expect(header.source).toBe('csv:shift.csv');
    const at = (iso: string) => history.stateAt(Date.parse(iso)).hub.snapshot().stations;
    expect(at('2026-11-24T06:04:00Z').S1.state).toBe('working');
    expect(at('2026-11-24T06:04:00Z').S2).toMatchObject({ state: 'off', quality: 'stale' });
    expect(at('2026-11-24T06:11:00Z').S1.state).toBe('down');
    expect(at('2026-11-24T06:11:00Z').S2).toMatchObject({ state: 'starved', quality: 'good' });
    expect(at('2026-11-24T06:13:00Z').S1.state).toBe('working');
  });
});
