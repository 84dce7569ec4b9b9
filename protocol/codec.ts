/**
 * Wire codec: compact binary state frames (little-endian), encoded once per tick and broadcast as the
 * binary argument of one Socket.IO event (MessagePack, protocol/wire.ts) to every client that is up to date.
 *
 * Frame = header (44 bytes) + tagged records + UTF-8 JSON body metadata.
 *   header: u8 magic 0x4C, u8 codec version, u8 type (1 snapshot, 2 delta), u8 0,
 *           f64 revision, f64 baseRevision (a delta applies to the state at baseRevision; 0 for a snapshot),
 *           f64 time (state time, epoch ms), u32 record count, u32 metadata bytes, u32 body slot count
 *   station record (tag 1, 1 + 18 bytes): u32 index, u8 state, u8 quality, i32 job body slot (-1 none), f64 ts
 *   robot record   (tag 2, 1 + 39 bytes): u32 index, u8 state, u8 quality, u8 tool, f64 ts, 6 × f32 joints (rad)
 *   body record    (tag 3, 1 + 24 bytes): u32 slot, u8 flags (bit 0 alive), u8 quality, u8 model, u8 location kind
 *                                     (0 none, 1 station, 2 conveyor), u32 location index, f32 progress, f64 ts
 *   metadata: JSON array of [slot, bodyId, color|null] for bodies that are new or changed colour.
 * Entity indices follow the scene's order (stations, robots, conveyors); body slots are assigned by the hub
 * and reused after a body leaves.
 */

export const CODEC_VERSION = 1;
export const FRAME_MAGIC = 0x4c;
export const FrameType = { snapshot: 1, delta: 2 } as const;
export type FrameTypeCode = (typeof FrameType)[keyof typeof FrameType];
export const LocationKind = { none: 0, station: 1, conveyor: 2 } as const;

const HEADER = 44;
const TAG_STATION = 1;
const TAG_ROBOT = 2;
const TAG_BODY = 3;
const STATION_BYTES = 18;
const ROBOT_BYTES = 39;
const BODY_BYTES = 24;

export type FrameHeader = {
  type: FrameTypeCode;
  revision: number;
  baseRevision: number;
  time: number;
  records: number;
  bodySlots: number;
};

export type BodyMeta = [slot: number, id: string, color: string | null];

export interface FrameVisitor {
  station(index: number, state: number, quality: number, jobSlot: number, ts: number): void;
  robot(index: number, state: number, quality: number, tool: boolean, ts: number, j0: number, j1: number, j2: number, j3: number, j4: number, j5: number): void;
  body(slot: number, alive: boolean, quality: number, model: number, locKind: number, locIndex: number, progress: number, ts: number): void;
  meta(slot: number, id: string, color: string | null): void;
}

export class FrameError extends Error {
  override name = 'FrameError';
}

/** A table's columns, by entity position: what FrameWriter's row methods read. */
export type StationColumns = { state: Uint8Array; quality: Uint8Array; job: Int32Array; ts: Float64Array };
/** `jointBits` is an Int32Array over the very memory of `joints`: rows are written from it bit for bit, with no float conversion. */
export type RobotColumns = { state: Uint8Array; quality: Uint8Array; tool: Uint8Array; ts: Float64Array; joints: Float32Array; jointBits: Int32Array };
export type BodyColumns = { alive: Uint8Array; quality: Uint8Array; model: Uint8Array; locKind: Uint8Array; locIndex: Uint32Array; progress: Float32Array; ts: Float64Array };

/** Builds one frame; reuse it across ticks (its buffer grows and is kept). */
export class FrameWriter {
  private buf = new ArrayBuffer(64 * 1024);
  private view = new DataView(this.buf);
  private pos = HEADER;
  private records = 0;
  private meta: BodyMeta[] = [];
  private static encoder = new TextEncoder();

  begin(type: FrameTypeCode, revision: number, baseRevision: number, time: number, bodySlots: number): this {
    this.pos = HEADER;
    this.records = 0;
    this.meta.length = 0;
    const v = this.view;
    v.setUint8(0, FRAME_MAGIC);
    v.setUint8(1, CODEC_VERSION);
    v.setUint8(2, type);
    v.setUint8(3, 0);
    v.setFloat64(4, revision, true);
    v.setFloat64(12, baseRevision, true);
    v.setFloat64(20, time, true);
    v.setUint32(40, bodySlots, true);
    return this;
  }

  station(index: number, state: number, quality: number, jobSlot: number, ts: number): void {
    const p = this.stationHead(index, state, quality, jobSlot);
    this.view.setFloat64(p, ts, true);
  }

  robot(index: number, state: number, quality: number, tool: boolean, ts: number, joints: ArrayLike<number>, jointOffset = 0): void {
    let p = this.robotHead(index, state, quality, tool);
    const v = this.view;
    v.setFloat64(p, ts, true);
    p += 8;
    for (let j = 0; j < 6; j++, p += 4) v.setFloat32(p, joints[jointOffset + j], true);
  }

  body(slot: number, alive: boolean, quality: number, model: number, locKind: number, locIndex: number, progress: number, ts: number): void {
    const p = this.bodyHead(slot, alive, quality, model, locKind, locIndex);
    const v = this.view;
    v.setFloat32(p, progress, true);
    v.setFloat64(p + 4, ts, true);
  }

  /*
   * The same records read from a table's columns at `i`. A number that is not a small integer, passed to a
   * function the compiler did not inline, is boxed on the heap: a hub writing hundreds of records a tick
   * through the methods above allocated kilobytes a tick. Here the times, progress and joints go from one
   * typed array to the frame without a call between.
   */

  stationRow(i: number, t: StationColumns): void {
    const p = this.stationHead(i, t.state[i], t.quality[i], t.job[i]);
    this.view.setFloat64(p, t.ts[i], true);
  }

  robotRow(i: number, t: RobotColumns): void {
    let p = this.robotHead(i, t.state[i], t.quality[i], t.tool[i] === 1);
    const v = this.view;
    v.setFloat64(p, t.ts[i], true);
    p += 8;
    const bits = t.jointBits;
    const o = i * 6;
    // Unrolled, the column read once: the hub writes a row per robot per tick. The float32s are copied as
    // their bits (a float32 read and written as such goes through a double and back, a third slower here).
    v.setInt32(p, bits[o], true);
    v.setInt32(p + 4, bits[o + 1], true);
    v.setInt32(p + 8, bits[o + 2], true);
    v.setInt32(p + 12, bits[o + 3], true);
    v.setInt32(p + 16, bits[o + 4], true);
    v.setInt32(p + 20, bits[o + 5], true);
  }

  bodyRow(slot: number, t: BodyColumns): void {
    const p = this.bodyHead(slot, t.alive[slot] === 1, t.quality[slot], t.model[slot], t.locKind[slot], t.locIndex[slot]);
    const v = this.view;
    v.setFloat32(p, t.progress[slot], true);
    v.setFloat64(p + 4, t.ts[slot], true);
  }

  /** Each head reserves its whole record, writes the tag and the small integers, and returns where the rest goes. */
  private stationHead(index: number, state: number, quality: number, jobSlot: number): number {
    const v = this.reserve(1 + STATION_BYTES);
    let p = this.pos;
    v.setUint8(p, TAG_STATION); p += 1;
    v.setUint32(p, index, true); p += 4;
    v.setUint8(p++, state);
    v.setUint8(p++, quality);
    v.setInt32(p, jobSlot, true); p += 4;
    this.pos = p + 8;
    this.records++;
    return p;
  }

  private robotHead(index: number, state: number, quality: number, tool: boolean): number {
    const v = this.reserve(1 + ROBOT_BYTES);
    let p = this.pos;
    v.setUint8(p, TAG_ROBOT); p += 1;
    v.setUint32(p, index, true); p += 4;
    v.setUint8(p++, state);
    v.setUint8(p++, quality);
    v.setUint8(p++, tool ? 1 : 0);
    this.pos = p + 8 + 24;
    this.records++;
    return p;
  }

  private bodyHead(slot: number, alive: boolean, quality: number, model: number, locKind: number, locIndex: number): number {
    const v = this.reserve(1 + BODY_BYTES);
    let p = this.pos;
    v.setUint8(p, TAG_BODY); p += 1;
    v.setUint32(p, slot, true); p += 4;
    v.setUint8(p++, alive ? 1 : 0);
    v.setUint8(p++, quality);
    v.setUint8(p++, model);
    v.setUint8(p++, locKind);
    v.setUint32(p, locIndex, true); p += 4;
    this.pos = p + 4 + 8;
    this.records++;
    return p;
  }

  bodyMeta(slot: number, id: string, color: string | null): void {
    this.meta.push([slot, id, color]);
  }

  get recordCount(): number {
    return this.records;
  }

  /**
   * Returns a copy of exactly the frame's bytes. With `headroom`, the copy's buffer keeps that many free
   * bytes in front of the frame (see headroomOf), where a transport can put its own header.
   */
  finish(headroom = 0): Uint8Array {
    const metaBytes = this.meta.length > 0 ? FrameWriter.encoder.encode(JSON.stringify(this.meta)) : new Uint8Array(0);
    this.reserve(metaBytes.length);
    new Uint8Array(this.buf, this.pos, metaBytes.length).set(metaBytes);
    this.view.setUint32(32, this.records, true);
    this.view.setUint32(36, metaBytes.length, true);
    const total = this.pos + metaBytes.length;
    if (headroom <= 0) return new Uint8Array(this.buf.slice(0, total));
    const frame = new Uint8Array(new ArrayBuffer(headroom + total), headroom, total);
    frame.set(new Uint8Array(this.buf, 0, total));
    withHeadroom.add(frame);
    return frame;
  }

  private reserve(n: number): DataView {
    if (this.pos + n > this.buf.byteLength) {
      const bigger = new ArrayBuffer(Math.max(this.buf.byteLength * 2, this.pos + n));
      new Uint8Array(bigger).set(new Uint8Array(this.buf, 0, this.pos));
      this.buf = bigger;
      this.view = new DataView(bigger);
    }
    return this.view;
  }
}

const withHeadroom = new WeakSet<Uint8Array>();

/**
 * The free bytes in front of `frame` that its owner may write: non-zero only for a frame made by
 * `FrameWriter.finish(headroom)` (the hub's commits), whose buffer holds nothing else. Any other frame (a
 * view into a recording, a message buffer) may share its buffer with other data: 0.
 */
export function headroomOf(frame: Uint8Array): number {
  return withHeadroom.has(frame) ? frame.byteOffset : 0;
}

const decoder = new TextDecoder();

/** Reads only the header; throws FrameError on anything that is not a frame of this codec version. */
export function readHeader(data: ArrayBuffer | ArrayBufferView): FrameHeader {
  const view = toView(data);
  if (view.byteLength < HEADER) throw new FrameError(`frame too short: ${view.byteLength} bytes, header needs ${HEADER}`);
  if (view.getUint8(0) !== FRAME_MAGIC) throw new FrameError('not a linetwin frame (bad magic byte)');
  const version = view.getUint8(1);
  if (version !== CODEC_VERSION) throw new FrameError(`codec version ${version}, expected ${CODEC_VERSION}`);
  const type = view.getUint8(2);
  if (type !== FrameType.snapshot && type !== FrameType.delta) throw new FrameError(`unknown frame type ${type}`);
  return {
    type: type as FrameTypeCode,
    revision: view.getFloat64(4, true),
    baseRevision: view.getFloat64(12, true),
    time: view.getFloat64(20, true),
    records: view.getUint32(32, true),
    bodySlots: view.getUint32(40, true),
  };
}

/**
 * Decodes a frame, calling the visitor per record (no allocation per record).
 * Validates lengths and tags and throws FrameError before calling the visitor for a truncated frame.
 */
export function decodeFrame(data: ArrayBuffer | ArrayBufferView, visitor: FrameVisitor): FrameHeader {
  const view = toView(data);
  const header = readHeader(view);
  const metaBytes = view.getUint32(36, true);
  // First pass: check structure, so a bad frame changes nothing.
  let p = HEADER;
  for (let i = 0; i < header.records; i++) {
    if (p >= view.byteLength) throw new FrameError(`frame truncated at record ${i}`);
    const tag = view.getUint8(p);
    const size = tag === TAG_STATION ? STATION_BYTES : tag === TAG_ROBOT ? ROBOT_BYTES : tag === TAG_BODY ? BODY_BYTES : -1;
    if (size < 0) throw new FrameError(`unknown record tag ${tag} at byte ${p}`);
    p += 1 + size;
  }
  if (p + metaBytes !== view.byteLength) throw new FrameError(`frame length ${view.byteLength}, records and metadata need ${p + metaBytes}`);
  let meta: unknown = [];
  if (metaBytes > 0) {
    try {
      meta = JSON.parse(decoder.decode(new Uint8Array(view.buffer, view.byteOffset + p, metaBytes)));
    } catch {
      throw new FrameError('body metadata is not valid JSON');
    }
    if (!Array.isArray(meta)) throw new FrameError('body metadata is not an array');
  }
  p = HEADER;
  for (let i = 0; i < header.records; i++) {
    const tag = view.getUint8(p++);
    if (tag === TAG_STATION) {
      visitor.station(view.getUint32(p, true), view.getUint8(p + 4), view.getUint8(p + 5), view.getInt32(p + 6, true), view.getFloat64(p + 10, true));
      p += STATION_BYTES;
    } else if (tag === TAG_ROBOT) {
      const j = p + 15;
      visitor.robot(
        view.getUint32(p, true), view.getUint8(p + 4), view.getUint8(p + 5), view.getUint8(p + 6) === 1, view.getFloat64(p + 7, true),
        view.getFloat32(j, true), view.getFloat32(j + 4, true), view.getFloat32(j + 8, true),
        view.getFloat32(j + 12, true), view.getFloat32(j + 16, true), view.getFloat32(j + 20, true),
      );
      p += ROBOT_BYTES;
    } else {
      visitor.body(
        view.getUint32(p, true), (view.getUint8(p + 4) & 1) === 1, view.getUint8(p + 5), view.getUint8(p + 6), view.getUint8(p + 7),
        view.getUint32(p + 8, true), view.getFloat32(p + 12, true), view.getFloat64(p + 16, true),
      );
      p += BODY_BYTES;
    }
  }
  for (const m of meta as unknown[]) {
    if (!Array.isArray(m) || typeof m[0] !== 'number' || typeof m[1] !== 'string' || (m[2] !== null && typeof m[2] !== 'string'))
      throw new FrameError('malformed body metadata entry');
    visitor.meta(m[0], m[1], m[2]);
  }
  return header;
}

function toView(data: ArrayBuffer | ArrayBufferView): DataView {
  if (data instanceof ArrayBuffer) return new DataView(data);
  if (ArrayBuffer.isView(data)) return new DataView(data.buffer, data.byteOffset, data.byteLength);
  throw new FrameError('frame is not binary');
}
