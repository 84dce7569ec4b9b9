/**
 * Wire codec: compact binary state frames (little-endian), encoded once per tick and broadcast as the
 * binary argument of one Socket.IO event (MessagePack, protocol/wire.ts) to every client that is up to date.
 *
 * Frame = header (44 bytes) + tagged records + UTF-8 JSON body metadata.
 *   header: u8 magic 0x4C, u8 codec version, u8 type (1 snapshot, 2 delta), u8 0,
 *           f64 revision, f64 baseRevision (a delta applies to the state at baseRevision; 0 for a snapshot),
 *           f64 time (state time, epoch ms), 4 bytes 0, u32 record count, u32 metadata bytes, u32 body slot count
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
export type BodyColumns = { alive: Uint8Array; quality: Uint8Array; model: Uint8Array; locKind: Uint8Array; locIndex: Uint32Array; progress: Float32Array; ts: Float64Array };

/** A robot record's whole length on the wire: its tag and its fields (ten 32-bit words). */
const ROBOT_RECORD = 1 + ROBOT_BYTES;
const ROBOT_WORDS = ROBOT_RECORD / 4;

/**
 * Robot records in their wire form, back to back in rows; the getters read a row's fields. Rows are copied
 * between two such stores, and into frames, as they are: no field is converted on the way.
 */
export class RobotRecords {
  /** The records, row r at r × 40 bytes. */
  readonly bytes: Uint8Array;
  protected readonly view: DataView;
  /** The same memory as 32-bit words (a record is ten), for copying rows bit for bit. */
  readonly words: Int32Array;

  constructor(rows: number) {
    this.bytes = new Uint8Array(rows * ROBOT_RECORD);
    this.view = new DataView(this.bytes.buffer);
    this.words = new Int32Array(this.bytes.buffer);
  }

  /** Makes row `row` robot `i`'s record (its tag and index). */
  protected writeHead(row: number, i: number): void {
    const o = row * ROBOT_RECORD;
    this.view.setUint8(o, TAG_ROBOT);
    this.view.setUint32(o + 1, i, true);
  }

  /** Writes the fields of row `row`'s record. Joints are rounded to float32 like the wire's. */
  protected writeFields(row: number, state: number, quality: number, tool: number, ts: number, j0: number, j1: number, j2: number, j3: number, j4: number, j5: number): void {
    const v = this.view;
    const o = row * ROBOT_RECORD;
    v.setUint8(o + 5, state);
    v.setUint8(o + 6, quality);
    v.setUint8(o + 7, tool);
    v.setFloat64(o + 8, ts, true);
    v.setFloat32(o + 16, j0, true);
    v.setFloat32(o + 20, j1, true);
    v.setFloat32(o + 24, j2, true);
    v.setFloat32(o + 28, j3, true);
    v.setFloat32(o + 32, j4, true);
    v.setFloat32(o + 36, j5, true);
  }

  state(row: number): number {
    return this.bytes[row * ROBOT_RECORD + 5];
  }
  quality(row: number): number {
    return this.bytes[row * ROBOT_RECORD + 6];
  }
  tool(row: number): number {
    return this.bytes[row * ROBOT_RECORD + 7];
  }
  ts(row: number): number {
    return this.view.getFloat64(row * ROBOT_RECORD + 8, true);
  }
  /** Joint `k` (0 to 5) of row `row`, as the float32 the wire holds. */
  joint(row: number, k: number): number {
    return this.view.getFloat32(row * ROBOT_RECORD + 16 + 4 * k, true);
  }
}

/**
 * A tick's robot records, staged in their wire form, at most one per robot (a robot staged again before
 * clear() is overwritten in place, latest value wins). A hub stages samples as they arrive, appends them all
 * to its frame in one copy (FrameWriter.robotRecords) and copies each into its table (RobotRecordTable);
 * writing each record field by field at commit cost more than the rest of the robot's commit.
 */
export class RobotRecordStage extends RobotRecords {
  /** Each robot's row, or -1 while it is not staged. */
  private readonly rowOf: Int32Array;
  /** Each row's robot, in staging order. */
  private readonly robotAt: Uint32Array;
  length = 0;

  constructor(robots: number) {
    super(robots);
    this.rowOf = new Int32Array(robots).fill(-1);
    this.robotAt = new Uint32Array(robots);
  }

  /** Stages robot `i`'s record (`i` must be below the count given to the constructor). */
  stage(i: number, state: number, quality: number, tool: number, ts: number, j0: number, j1: number, j2: number, j3: number, j4: number, j5: number): void {
    let row = this.rowOf[i];
    if (row < 0) {
      row = this.length++;
      this.rowOf[i] = row;
      this.robotAt[row] = i;
      this.writeHead(row, i);
    }
    this.writeFields(row, state, quality, tool, ts, j0, j1, j2, j3, j4, j5);
  }

  robot(row: number): number {
    return this.robotAt[row];
  }
  /** The staged robots in row order (a view: valid until the stage is cleared and staged into again). */
  robots(): Uint32Array {
    return this.robotAt.subarray(0, this.length);
  }

  /** Forgets the staged records (after they were committed, or dropped). */
  clear(): void {
    for (let row = 0; row < this.length; row++) this.rowOf[this.robotAt[row]] = -1;
    this.length = 0;
  }
}

/**
 * Every robot's record in its wire form, robot i in row i: a hub's committed robots. A commit copies each
 * staged record in as ten words (commitRow); snapshots and deltas copy runs of rows into their frames
 * (FrameWriter.robotRecordRange). Zeroed robots (state 0, quality 0, no tool, ts 0, joints 0) to begin with.
 */
export class RobotRecordTable extends RobotRecords {
  constructor(readonly count: number) {
    super(count);
    this.clear();
  }

  /** Sets robot `i`'s record from its values (joints rounded to float32). */
  set(i: number, state: number, quality: number, tool: number, ts: number, j0: number, j1: number, j2: number, j3: number, j4: number, j5: number): void {
    this.writeHead(i, i);
    this.writeFields(i, state, quality, tool, ts, j0, j1, j2, j3, j4, j5);
  }

  /** Copies row `row` of `stage` into its robot's row, bit for bit; returns the robot. */
  commitRow(stage: RobotRecordStage, row: number): number {
    const i = stage.robot(row);
    const from = stage.words;
    const to = this.words;
    const s = row * ROBOT_WORDS;
    const d = i * ROBOT_WORDS;
    // Unrolled: a loop of ten cost more than the copy.
    to[d] = from[s];
    to[d + 1] = from[s + 1];
    to[d + 2] = from[s + 2];
    to[d + 3] = from[s + 3];
    to[d + 4] = from[s + 4];
    to[d + 5] = from[s + 5];
    to[d + 6] = from[s + 6];
    to[d + 7] = from[s + 7];
    to[d + 8] = from[s + 8];
    to[d + 9] = from[s + 9];
    return i;
  }

  /** Every robot back to zeros. */
  clear(): void {
    for (let i = 0; i < this.count; i++) this.set(i, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }
}

/**
 * In-place frames are cut from slabs of this size: one allocation for several ticks' frames (about eight of
 * a 14 KB delta). Under glibc's default mmap threshold (128 KiB), so a slab comes from the heap instead of
 * fresh pages the kernel must fault in.
 */
const SLAB_BYTES = 120 * 1024;

/**
 * Builds one frame at a time; reuse it across ticks. By default finish() returns a copy and the writer's
 * buffer (grown as needed) is reused. With `headroom`, each frame is written in place and finish() hands
 * out the frame itself, with `headroom` free bytes in front of it (see headroomOf) where a transport can put
 * its own header: no copy and no allocation per frame. Such frames are cut one after another from slabs of
 * SLAB_BYTES; a slab stays alive while any of its frames does.
 */
export class FrameWriter {
  private buf: ArrayBuffer;
  private view: DataView;
  private bytes: Uint8Array;
  /** Where the frame being written begins in `buf` (0 unless frames are written in place). */
  private start = 0;
  /** In place: where the next frame may begin, just after the last one handed out. */
  private free = 0;
  /** In place: the last frame's length, the room the next one is likely to need. */
  private lastLength = HEADER;
  private pos = HEADER;
  private records = 0;
  private meta: BodyMeta[] = [];
  private static encoder = new TextEncoder();

  /**
   * `allocate` makes the writer's buffers; a server can hand it one that skips zero-filling (Node's
   * `Buffer.allocUnsafeSlow(n).buffer`): a frame's bytes are all written before it is handed out, and the
   * bytes between frames are never read.
   */
  constructor(
    private readonly headroom = 0,
    private readonly allocate: (bytes: number) => ArrayBuffer = (n) => new ArrayBuffer(n),
  ) {
    this.buf = allocate(headroom > 0 ? SLAB_BYTES : 64 * 1024);
    this.view = new DataView(this.buf);
    this.bytes = new Uint8Array(this.buf);
  }

  begin(type: FrameTypeCode, revision: number, baseRevision: number, time: number, bodySlots: number): this {
    if (this.headroom > 0) {
      // Eight-byte aligned like a fresh buffer. A slab without room for a frame like the last is left to its
      // frames (a frame that outgrows the room left moves to a new slab, copied once).
      const at = ((this.free + 7) & ~7) + this.headroom;
      if (at + this.lastLength > this.buf.byteLength) {
        this.buf = this.allocate(Math.max(SLAB_BYTES, this.headroom + this.lastLength));
        this.view = new DataView(this.buf);
        this.bytes = new Uint8Array(this.buf);
        this.free = 0;
        this.start = this.headroom;
      } else this.start = at;
    }
    const s = this.start;
    this.pos = s + HEADER;
    this.records = 0;
    this.meta.length = 0;
    const v = this.view;
    v.setUint8(s, FRAME_MAGIC);
    v.setUint8(s + 1, CODEC_VERSION);
    v.setUint8(s + 2, type);
    v.setUint8(s + 3, 0);
    v.setFloat64(s + 4, revision, true);
    v.setFloat64(s + 12, baseRevision, true);
    v.setFloat64(s + 20, time, true);
    // Bytes 28 to 31 are unused: zero, whatever the buffer held.
    v.setUint32(s + 28, 0, true);
    v.setUint32(s + 40, bodySlots, true);
    return this;
  }

  /** Sets the header's body slot count after begin (a commit knows it only once its bodies are placed). */
  setBodySlots(n: number): void {
    this.view.setUint32(this.start + 40, n, true);
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
   * through the methods above allocated kilobytes a tick. Here the times and progress go from one typed array
   * to the frame without a call between. (Robots need no such method: their tables hold the wire records,
   * copied as they are by robotRecords and robotRecordRange.)
   */

  stationRow(i: number, t: StationColumns): void {
    const p = this.stationHead(i, t.state[i], t.quality[i], t.job[i]);
    this.view.setFloat64(p, t.ts[i], true);
  }

  bodyRow(slot: number, t: BodyColumns): void {
    const p = this.bodyHead(slot, t.alive[slot] === 1, t.quality[slot], t.model[slot], t.locKind[slot], t.locIndex[slot]);
    const v = this.view;
    v.setFloat32(p, t.progress[slot], true);
    v.setFloat64(p + 4, t.ts[slot], true);
  }

  /** Appends every record staged in `stage`, in staging order, in one copy. */
  robotRecords(stage: RobotRecordStage): void {
    this.robotRecordRange(stage, 0, stage.length);
  }

  /** Appends rows [from, to) of `records` (a table's robots from..to-1), in one copy. */
  robotRecordRange(records: RobotRecords, from: number, to: number): void {
    const n = (to - from) * ROBOT_RECORD;
    this.reserve(n);
    this.bytes.set(records.bytes.subarray(from * ROBOT_RECORD, to * ROBOT_RECORD), this.pos);
    this.pos += n;
    this.records += to - from;
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
   * The finished frame: a copy of exactly its bytes or, written in place (`headroom`), the frame itself
   * (the writer never writes there again).
   */
  finish(): Uint8Array {
    const metaBytes = this.meta.length > 0 ? FrameWriter.encoder.encode(JSON.stringify(this.meta)) : null;
    if (metaBytes !== null) {
      this.reserve(metaBytes.length);
      this.bytes.set(metaBytes, this.pos);
      this.pos += metaBytes.length;
    }
    const s = this.start;
    this.view.setUint32(s + 32, this.records, true);
    this.view.setUint32(s + 36, metaBytes === null ? 0 : metaBytes.length, true);
    const total = this.pos - s;
    if (this.headroom <= 0) return new Uint8Array(this.buf.slice(0, total));
    const frame = new Uint8Array(this.buf, s, total);
    this.free = this.pos;
    this.lastLength = total;
    roomy = frame;
    roomyBytes = this.headroom;
    return frame;
  }

  private reserve(n: number): DataView {
    if (this.pos + n > this.buf.byteLength) {
      // The frame so far moves to a bigger buffer (in place: a new slab, behind its headroom).
      const used = this.pos - this.start;
      const size = this.headroom > 0 ? Math.max(SLAB_BYTES, (this.headroom + used + n) * 2) : Math.max(this.buf.byteLength * 2, used + n);
      const bigger = this.allocate(size);
      new Uint8Array(bigger).set(this.bytes.subarray(this.start, this.pos), this.headroom);
      this.buf = bigger;
      this.view = new DataView(bigger);
      this.bytes = new Uint8Array(bigger);
      this.start = this.headroom;
      this.pos = this.start + used;
      this.free = 0;
    }
    return this.view;
  }
}

/** The last frame a FrameWriter with headroom finished, and that headroom. */
let roomy: Uint8Array | null = null;
let roomyBytes = 0;

/**
 * The free bytes in front of `frame` that its owner may write: the headroom of the frame a `FrameWriter` with
 * headroom finished last (a hub's commit, sent at once), whose headroom nothing else uses. Any other frame (an
 * earlier one, a view into a recording, a message buffer) may share its buffer with other data: 0. One frame
 * remembered instead of a set of them: a set's insert per tick showed in profiles of a busy hub.
 */
export function headroomOf(frame: Uint8Array): number {
  return frame === roomy ? roomyBytes : 0;
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
