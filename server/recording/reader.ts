/**
 * Reads a recording (plain or gzip JSON Lines) into a History. Whatever can be read is kept:
 * malformed or out-of-order lines are skipped with a warning naming the line, a torn last line
 * (a crash while writing) is reported and ignored. An empty file, a file that is not a recording
 * or a recording of another scene is an error.
 */
import { createReadStream, statSync } from 'node:fs';
import { createGunzip, constants as zlibConstants } from 'node:zlib';
import { open } from 'node:fs/promises';
import type { ResolvedScene } from '../../protocol/scene.ts';
import type { Change } from '../../protocol/changes.ts';
import { createHub } from '../hub/twin-hub.ts';
import { History } from '../hub/history.ts';
import { changesOfState, headerSchema, lineSchema, type RecordingHeader } from './format.ts';

export class RecordingError extends Error {
  override name = 'RecordingError';
}

export type LoadedRecording = {
  header: RecordingHeader;
  history: History;
  warnings: string[];
  stats: { lines: number; changeLines: number; changes: number; skipped: number; rejectedChanges: number };
};

export type ReadOptions = {
  keyframeIntervalMs?: number;
  /** Called now and then with the share of the file read (0..1). */
  onProgress?: (fraction: number) => void;
  maxWarnings?: number;
};

/** Splits a byte stream into lines, telling whether the last one ended with a newline. */
async function* lines(file: string): AsyncGenerator<{ text: string; complete: boolean }> {
  const fh = await open(file, 'r');
  const magic = Buffer.alloc(2);
  await fh.read(magic, 0, 2, 0);
  await fh.close();
  const raw = createReadStream(file);
  // A sync finish flush decodes a gzip file cut short by a crash up to its last flushed block.
  const stream = magic[0] === 0x1f && magic[1] === 0x8b ? raw.pipe(createGunzip({ finishFlush: zlibConstants.Z_SYNC_FLUSH })) : raw;
  let rest = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    rest += chunk.toString('utf8');
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      yield { text: rest.slice(0, nl), complete: true };
      rest = rest.slice(nl + 1);
    }
  }
  if (rest.length > 0) yield { text: rest, complete: false };
}

export async function readRecording(file: string, scene: ResolvedScene, options: ReadOptions = {}): Promise<LoadedRecording> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    throw new RecordingError(`cannot read ${file}: ${(e as Error).message}`);
  }
  if (size === 0) throw new RecordingError(`${file}: the file is empty (a recording starts with a header line)`);

  const maxWarnings = options.maxWarnings ?? 50;
  const warnings: string[] = [];
  let suppressed = 0;
  const warn = (msg: string) => {
    if (warnings.length < maxWarnings) warnings.push(`${file}: ${msg}`);
    else suppressed++;
  };
  const stats = { lines: 0, changeLines: 0, changes: 0, skipped: 0, rejectedChanges: 0 };
  const rejected = new Map<string, number>();
  const hub = createHub({
    scene,
    tickMs: 1 << 30,
    onReject: (_c, reason, detail) => {
      stats.rejectedChanges++;
      const key = `${reason}: ${detail}`;
      rejected.set(key, (rejected.get(key) ?? 0) + 1);
    },
  });
  const history = new History({ scene, keyframeIntervalMs: options.keyframeIntervalMs ?? 60_000, retentionMs: Infinity });
  let header: RecordingHeader | null = null;
  let lastT = -Infinity;
  let started = false;
  let bytesSeen = 0;
  let nextProgress = 0.05;

  const begin = (t: number) => {
    hub.sink.time?.(t);
    hub.tick();
    history.addKeyframe(hub.snapshotFrame());
    started = true;
  };
  const commit = (t: number) => {
    hub.sink.time?.(t);
    const delta = hub.tick();
    if (delta) history.addDelta(delta, () => hub.snapshotFrame());
  };

  for await (const { text, complete } of lines(file)) {
    stats.lines++;
    const n = stats.lines;
    bytesSeen += text.length + 1;
    if (options.onProgress && bytesSeen / size >= nextProgress) {
      options.onProgress(Math.min(1, bytesSeen / size));
      nextProgress += 0.05;
    }
    if (text.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      if (!complete) {
        warn(`line ${n}: the last line is incomplete (the recording was cut off while writing); ignored`);
        break;
      }
      if (n === 1) throw new RecordingError(`${file}: line 1: not JSON; this is not a linetwin recording (see docs/recording-format.md)`);
      warn(`line ${n}: not valid JSON; line skipped`);
      stats.skipped++;
      continue;
    }
    if (n === 1) {
      const h = headerSchema.safeParse(json);
      if (!h.success) throw new RecordingError(`${file}: line 1 is not a recording header: ${h.error.issues.map((i) => `${i.path.join('.') || 'header'}: ${i.message}`).join('; ')}`);
      header = h.data;
      if (header.scene !== scene.id) throw new RecordingError(`${file}: this is a recording of scene "${header.scene}", but the scene loaded is "${scene.id}"; pass --scene ${header.scene}`);
      continue;
    }
    const line = lineSchema.safeParse(json);
    if (!line.success) {
      const issue = line.error.issues[0];
      warn(`line ${n}: ${issue.path.length ? issue.path.join('.') + ': ' : ''}${issue.message}; line skipped`);
      stats.skipped++;
      continue;
    }
    const l = line.data;
    if (l.t < lastT) {
      warn(`line ${n}: time ${new Date(l.t).toISOString()} is earlier than the line before (${new Date(lastT).toISOString()}); line skipped`);
      stats.skipped++;
      continue;
    }
    lastT = l.t;
    if (l.type === 'keyframe') {
      // A keyframe resets the state: bodies it does not list have left.
      const current = hub.snapshot();
      for (const id of Object.keys(current.bodies)) if (!(id in l.state.bodies)) hub.sink.apply({ type: 'body-remove', id, ts: l.t });
      for (const c of changesOfState(l.state)) hub.sink.apply(c);
      if (!started) begin(l.t);
      else commit(l.t);
      continue;
    }
    if (!started) {
      warn(`line ${n}: changes before any keyframe; starting from an empty state`);
      begin(l.t);
    }
    stats.changeLines++;
    for (const c of l.changes) {
      hub.sink.apply(c as Change);
      stats.changes++;
    }
    commit(l.t);
  }
  if (!header) throw new RecordingError(`${file}: no header line; this is not a linetwin recording`);
  if (!started) throw new RecordingError(`${file}: the recording holds a header but no state`);
  for (const [what, count] of rejected) warn(`${count} change${count === 1 ? '' : 's'} rejected (${what})`);
  if (suppressed > 0) warnings.push(`${file}: … and ${suppressed} more warnings`);
  options.onProgress?.(1);
  return { header, history, warnings, stats };
}
