/**
 * What the hub's thread and the recording thread say to each other (record-thread.ts, record-worker.ts).
 *
 * A batch is a run of entries, each `u8 kind, u32 length (little-endian), bytes`:
 * - a frame: a hub frame (protocol/codec.ts). The first is a snapshot, which seeds the thread's copy of
 *   the state and writes nothing; each delta after it becomes one `changes` line;
 * - text: finished lines (the header, keyframes), written as they are.
 */
import type { SceneIds } from './frame-mirror.ts';

export const Entry = { frame: 1, text: 2 } as const;

export type ToThread =
  | { type: 'open'; id: number; file: string; gzip: boolean; ids: SceneIds }
  | { type: 'batch'; id: number; data: Uint8Array }
  | { type: 'close'; id: number };

export type FromThread =
  | { type: 'error'; id: number; message: string }
  | { type: 'closed'; id: number; bytes: number };
