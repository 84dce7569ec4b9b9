/**
 * What the hub's thread and the recording threads say to each other (record-thread.ts, record-worker.ts).
 *
 * A batch is a run of entries, each `u8 kind, u32 length (little-endian), bytes`:
 * - a frame: a hub frame (protocol/codec.ts). The first is a snapshot, which seeds the thread's copy of
 *   the state and writes nothing; each delta after it becomes one `changes` line;
 * - text: finished lines (the header, keyframes), copied as they are.
 * Every thread reads every batch, to keep its copy of the state; only the one asked to (`lines`) writes
 * that batch's lines and sends them back, numbered, for the recorder to write in order.
 */
import type { SceneIds } from './frame-mirror.ts';

export const Entry = { frame: 1, text: 2 } as const;

export type ToThread =
  | { type: 'open'; id: number; ids: SceneIds }
  | { type: 'batch'; id: number; seq: number; lines: boolean; data: Uint8Array }
  | { type: 'close'; id: number };

export type FromThread =
  | { type: 'lines'; id: number; seq: number; data: Uint8Array }
  | { type: 'error'; id: number; message: string };
