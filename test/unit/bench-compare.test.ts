/**
 * `npm run bench -- --compare FILE` and `--diff OLD NEW`: two runs' rows side by side, matched by name, with
 * what changed about their targets; files that are not results are refused with a clear message.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareRuns, formatComparison, loadResults } from '../bench/compare.ts';
import { row, type Row, type Target } from '../bench/harness.ts';
import { parseArgs, type BenchResults } from '../bench/run.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'linetwin-bench-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AT_MOST: Target = { op: '<=', value: 1.25 };
const AT_LEAST: Target = { op: '>=', value: 0.8 };

function results(rows: Row[], started = '2026-11-25T18:04:00.000Z'): BenchResults {
  return { started, quick: false, durationS: 1, machine: { cpus: 2, cpuModel: 'Test CPU', node: 'v20', platform: 'linux-x64' }, rows, errors: [] };
}

const before = results([
  row('fanout', 'fan-out: throughput', 1.0, AT_LEAST, {}),
  row('fanout', 'fan-out: CPU', 1.2, AT_MOST, {}),
  row('fanout', 'fan-out: old row', 3, AT_MOST, {}),
  row('replay', 'replay: seek', 1.5, { op: '<=', value: 1.2 }, {}),
  row('soak', 'kiosk soak: heap', 1.02, { op: '<=', value: 1.1 }, {}),
]);
const now = results(
  [
    row('fanout', 'fan-out: throughput', 0.75, AT_LEAST, {}),
    row('fanout', 'fan-out: CPU', 1.08, AT_MOST, {}),
    row('fanout', 'fan-out: new row', 2, AT_MOST, {}),
    row('replay', 'replay: seek', 0.9, { op: '<=', value: 1.2 }, {}),
    row('deltas', 'deltas: bytes', 0.14, { op: '<=', value: 0.2 }, {}),
  ],
  '2026-11-25T19:30:00.000Z',
);

describe('bench: comparing two runs', () => {
  it('[BENCH11] rows are matched by name: quotients, targets newly missed or met, rows new or gone, benchmarks run in one run only', () => {
    const c = compareRuns(before, now);
    const by = (name: string) => c.find((x) => x.name === name)!;
    expect(by('fan-out: throughput')).toMatchObject({ change: 'now fails' });
    expect(by('fan-out: throughput').factor).toBeCloseTo(0.75);
    expect(by('fan-out: CPU')).toMatchObject({ change: null });
    expect(by('fan-out: CPU').factor).toBeCloseTo(0.9);
    expect(by('replay: seek')).toMatchObject({ change: 'now passes' });
    expect(by('fan-out: new row')).toMatchObject({ before: null, change: 'new', factor: null });
    expect(by('fan-out: old row')).toMatchObject({ now: null, change: 'gone' });
    expect(by('deltas: bytes')).toMatchObject({ change: 'not run before' });
    expect(by('kiosk soak: heap')).toMatchObject({ change: 'not run now' });
    // The newer run's order, then what only the older one had.
    expect(c.map((x) => x.name)).toEqual(['fan-out: throughput', 'fan-out: CPU', 'fan-out: new row', 'replay: seek', 'deltas: bytes', 'fan-out: old row', 'kiosk soak: heap']);

    const text = formatComparison(before, now);
    expect(text).toContain('before: 2026-11-25 18:04 UTC on 2 × Test CPU');
    expect(text).toContain('now:    2026-11-25 19:30 UTC on 2 × Test CPU');
    expect(text).toContain('left out, run before only: soak');
    expect(text).toContain('left out, run now only: deltas');
    expect(text).toMatch(/fan-out: throughput\s+1\s+0\.75\s+0\.75×\s+≥ 0\.8\s+pass → FAIL \(now fails\)/);
    expect(text).toMatch(/replay: seek\s+1\.5\s+0\.9\s+0\.6×\s+≤ 1\.2\s+FAIL → pass \(now passes\)/);
    expect(text).toMatch(/fan-out: old row\s+3\s+—\s+—\s+≤ 1\.25\s+FAIL → — \(gone\)/);
    expect(text).not.toContain('kiosk soak: heap');
    expect(text).not.toContain('deltas: bytes');
    expect(formatComparison(before, now, true)).toContain('| fan-out: CPU | 1.2 | 1.08 | 0.9× | ≤ 1.25 | pass → pass |');
    expect(formatComparison(results([before.rows[4]]), results([now.rows[4]]))).toMatch(/no benchmark ran in both runs$/);
  });

  it('[BENCH12] a file that is not a results file is refused with its name and why, before anything runs; the last run\'s file can be compared with as it is replaced', () => {
    const good = path.join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(before));
    expect(loadResults(good).rows).toHaveLength(5);
    const notJson = path.join(dir, 'table.md');
    writeFileSync(notJson, '| benchmark | ratio |');
    expect(() => loadResults(notJson)).toThrow(/table\.md: not JSON/);
    const noRows = path.join(dir, 'other.json');
    writeFileSync(noRows, '{"name": "linetwin"}');
    expect(() => loadResults(noRows)).toThrow(/other\.json: not a results file of npm run bench \(no "rows" list\)/);
    const badRow = path.join(dir, 'bad-row.json');
    writeFileSync(badRow, JSON.stringify({ rows: [before.rows[0], { name: 'x', value: 'fast' }] }));
    expect(() => loadResults(badRow)).toThrow(/bad-row\.json: rows\[1\] is not a benchmark row/);
    expect(() => loadResults(path.join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read it \(ENOENT\)/);

    expect(parseArgs(['--compare', 'a.json'])).toMatchObject({ compare: path.resolve('a.json'), diff: null });
    expect(parseArgs(['--diff', 'a.json', 'b.json'])).toMatchObject({ diff: [path.resolve('a.json'), path.resolve('b.json')] });
    expect(() => parseArgs(['--diff', 'a.json'])).toThrow(/--diff needs a value/);

    // The CLI: --diff prints the comparison; a bad file is exit status 2 with the reason, nothing run.
    const newer = path.join(dir, 'newer.json');
    writeFileSync(newer, JSON.stringify(now));
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'test/bench/run.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    const ok = cli('--diff', good, newer);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('pass → FAIL (now fails)');
    const bad = cli('--compare', noRows, '--only', 'deltas');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('other.json: not a results file of npm run bench');
    expect(bad.stdout).not.toContain('[bench]');

    // Comparing with the very file the run writes (the last run's latest.json): it is read before it is replaced.
    const last = path.join(dir, 'latest.json');
    writeFileSync(last, JSON.stringify(results([row('deltas', 'deltas: bytes per tick vs snapshot', 0.5, { op: '<=', value: 0.2 }, {})])));
    const again = cli('--only', 'deltas', '--out', last, '--compare', last);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/deltas: bytes per tick vs snapshot\s+0\.5\s+0\.\d+\s+0\.\d+×\s+≤ 0\.2\s+FAIL → pass \(now passes\)/);
    expect(loadResults(last).rows[0].value).toBeLessThan(0.2);
  }, 90_000);
});
