/**
 * One recording line per hub commit, written as bytes straight from the hub's committed tables into a
 * growing buffer. The recorder is on the hot path of every tick: building change objects only to
 * stringify them cost several times the write, and even template strings spent most of their time in
 * string concatenation, flattening and UTF-8 encoding. Here ids and the fixed parts of each record are
 * encoded once; numbers are written digit by digit.
 *
 * The output is exactly what format.ts's changeSchema reads: times to the millisecond, joints to
 * 1e-4 rad, no `quality` when it is `good`.
 */
import { JOINT_COUNT, bodyModels, qualities, robotStates, stationStates } from '../../protocol/state.ts';
import { LocationKind } from '../../protocol/codec.ts';
import type { CommitInfo } from '../hub/twin-hub.ts';
import type { BodyTable, RobotTable, StationTable } from '../hub/entity-tables.ts';

/**
 * What a line is written from: committed tables and the scene's ids. The hub is one; the recording
 * thread's mirror of the hub (frame-mirror.ts), fed with the hub's frames, is the other.
 */
export type LineSource = {
  readonly tables: {
    readonly stations: StationTable;
    readonly robots: RobotTable;
    readonly bodies: Pick<BodyTable, 'ids' | 'colors' | 'model' | 'quality' | 'locKind' | 'locIndex' | 'progress' | 'ts'>;
  };
  readonly index: { readonly stationIds: string[]; readonly robotIds: string[]; readonly conveyorIds: string[] };
};

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');

const C = {
  lineHead: utf8('{"type":"changes","t":'),
  rev: utf8(',"rev":'),
  changes: utf8(',"changes":['),
  lineEnd: utf8(']}\n'),
  removeHead: utf8('{"type":"body-remove","id":'),
  ts: utf8(',"ts":'),
  closeTs: utf8('},"ts":'),
  nowhereTs: utf8('{"kind":"none"},"ts":'),
  stationHead: utf8('{"type":"station","id":'),
  job: utf8(',"job":'),
  toolTrue: utf8('],"tool":true,"ts":'),
  toolFalse: utf8('],"tool":false,"ts":'),
  null: utf8('null'),
};
const stationState = stationStates.map((s) => utf8(`,"state":"${s}"`));
const qualityField = qualities.map((q, code) => (code === 0 ? new Uint8Array(0) : utf8(`,"quality":"${q}"`)));
/** Pieces shorter than this are copied byte by byte, longer ones with TypedArray#set. */
const SHORT = 12;
const COMMA = 0x2c;
const CLOSE = 0x7d;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

/**
 * Bytes appended to one buffer that grows as needed; `take()` hands them over and starts a new one.
 * Buffers are never from Node's shared pool, so a taken buffer's ArrayBuffer is its own to transfer.
 */
export class ByteSink {
  /** Written by the hot record writers below directly; everyone else goes through the methods. */
  buf: Buffer;
  /** Over `buf`, for four-byte stores. */
  view: DataView;
  pos = 0;

  constructor(private readonly initial = 256 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(initial);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  get length(): number {
    return this.pos;
  }

  /** The bytes written so far (the sink starts afresh; the returned buffer is never written again). */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafeSlow(Math.max(this.initial, this.pos));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.pos = 0;
    return out;
  }

  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  bytes(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    // TypedArray#set costs a fixed ~16 ns; a byte loop ~1.5 ns a byte, so it wins only for a few bytes.
    if (n < SHORT) {
      const buf = this.buf;
      let p = this.pos;
      for (let i = 0; i < n; i++) buf[p++] = b[i];
      this.pos = p;
    } else {
      this.buf.set(b, this.pos);
      this.pos += n;
    }
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** Any text, UTF-8 encoded. */
  text(s: string): void {
    this.room(s.length * 3);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** Text known to be ASCII (a number's digits), without the UTF-8 encoder. */
  ascii(s: string): void {
    const n = s.length;
    this.room(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A JSON string literal. */
  json(s: string): void {
    this.text(JSON.stringify(s));
  }

  /** The digits above the last six of the last large integer written: timestamps share them for ~17 minutes. */
  private high = -1;
  private highDigits = new Uint8Array(16);
  private highLength = 0;

  /**
   * An integer as decimal digits (exact below 2^53, as every epoch-ms time is). Epoch-ms times are the
   * commonest numbers by far and seldom equal, but they share their leading digits, so those are kept
   * and only the last six are worked out, in small-integer arithmetic.
   */
  int(n: number): void {
    if (n === this.last) {
      // Most records of a line share their time: copy the digits written last.
      const len = this.lastLength;
      this.room(len);
      const buf = this.buf;
      const d = this.lastDigits;
      let p = this.pos;
      for (let i = 0; i < len; i++) buf[p++] = d[i];
      this.pos = p;
      return;
    }
    if (n >= 1e6 && n < 1e15) {
      const high = Math.floor(n / 1e6);
      let low = n - high * 1e6;
      if (low >= 0 && low < 1e6 && low === Math.floor(low)) {
        if (high !== this.high) this.rememberHigh(high);
        const len = this.highLength;
        this.room(len + 6);
        const buf = this.buf;
        const d = this.highDigits;
        let p = this.pos;
        for (let i = 0; i < len; i++) buf[p++] = d[i];
        low |= 0;
        p += 6;
        this.pos = p;
        for (let i = 0; i < 6; i++) {
          const q = (low / 10) | 0;
          buf[--p] = ZERO + (low - q * 10);
          low = q;
        }
        this.remember(n, p - len, len + 6);
        return;
      }
    }
    if (n >= 0 && n < 1e6 && n === (n | 0)) {
      this.room(6);
      const buf = this.buf;
      let digits = 1;
      for (let x = n; x >= 10; x = (x / 10) | 0) digits++;
      let at = this.pos + digits;
      this.pos = at;
      let x = n;
      do {
        const q = (x / 10) | 0;
        buf[--at] = ZERO + (x - q * 10);
        x = q;
      } while (x > 0);
      return;
    }
    this.digits(n);
  }

  /** The last large integer written and its digits (`length` bytes at `start`). */
  private last = Number.NaN;
  private lastDigits = new Uint8Array(16);
  private lastLength = 0;

  private remember(n: number, start: number, length: number): void {
    const buf = this.buf;
    const d = this.lastDigits;
    for (let i = 0; i < length; i++) d[i] = buf[start + i];
    this.last = n;
    this.lastLength = length;
  }

  private rememberHigh(high: number): void {
    const start = this.pos;
    this.digits(high);
    const len = this.pos - start;
    for (let i = 0; i < len; i++) this.highDigits[i] = this.buf[start + i];
    this.pos = start;
    this.high = high;
    this.highLength = len;
  }

  private digits(n: number): void {
    if (!Number.isSafeInteger(n)) return this.text(String(n));
    if (n >= 0 && n < 10) {
      this.byte(ZERO + n);
      return;
    }
    this.room(17);
    const buf = this.buf;
    if (n < 0) {
      buf[this.pos++] = MINUS;
      n = -n;
    }
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    let at = this.pos + digits;
    this.pos = at;
    do {
      const d = n % 10;
      buf[--at] = ZERO + d;
      n = (n - d) / 10;
    } while (n > 0);
  }

  /**
   * A value read from a Float32Array (a conveyor progress), as the fewest decimals that read back as the
   * same float32: "0.95" rather than the "0.949999988079071" its widening to a double prints. Values
   * strictly between 0 and 1 with up to nine decimals are worked out here (almost every progress); the
   * rest print as JSON prints them, which reads back exactly too.
   */
  float32(x: number): void {
    if (x > 0 && x < 1) {
      for (let k = 1; k <= 9; k++) {
        let q = decimalsOf(x, k);
        if (q < 0) continue;
        this.room(2 + k);
        const buf = this.buf;
        const start = this.pos;
        buf[start] = ZERO;
        buf[start + 1] = DOT;
        for (let p = start + 1 + k; p > start + 1; p--) {
          const r = (q / 10) | 0;
          buf[p] = ZERO + (q - r * 10);
          q = r;
        }
        this.pos = start + 2 + k;
        return;
      }
    }
    this.ascii(String(x));
  }

  /** An angle to 1e-4 rad, always with four decimals ("-0.0412", "1.5708", "0.0000"). */
  fixed4(x: number): void {
    const n = Math.round(x * 1e4);
    if (!Number.isSafeInteger(n)) return this.text(String(n / 1e4));
    const a = n < 0 ? -n : n;
    let frac = a % 10000;
    const whole = (a - frac) / 10000;
    if (whole < 10) {
      // Every joint angle (|x| < 10 rad): one digit before the point, all written in place.
      this.room(7);
      const buf = this.buf;
      let p = this.pos;
      if (n < 0) buf[p++] = MINUS;
      buf[p++] = ZERO + whole;
      buf[p++] = DOT;
      const d3 = frac % 10;
      frac = (frac - d3) / 10;
      const d2 = frac % 10;
      frac = (frac - d2) / 10;
      const d1 = frac % 10;
      buf[p++] = ZERO + (frac - d1) / 10;
      buf[p++] = ZERO + d1;
      buf[p++] = ZERO + d2;
      buf[p++] = ZERO + d3;
      this.pos = p;
      return;
    }
    if (n < 0) this.byte(MINUS);
    this.digits(whole);
    this.room(5);
    const buf = this.buf;
    buf[this.pos] = DOT;
    buf[this.pos + 1] = ZERO + Math.floor(frac / 1000);
    buf[this.pos + 2] = ZERO + (Math.floor(frac / 100) % 10);
    buf[this.pos + 3] = ZERO + (Math.floor(frac / 10) % 10);
    buf[this.pos + 4] = ZERO + (frac % 10);
    this.pos += 5;
  }
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

/**
 * The k-decimal numerator m (0 < m < 10^k) whose m / 10^k reads back as the float32 `x`, or -1. Next to a
 * power of two the values that round to x are not centred on it, so the neighbours of the nearest are tried.
 */
function decimalsOf(x: number, k: number): number {
  const scale = POW10[k];
  const n = Math.round(x * scale);
  const m = Math.fround(n / scale) === x ? n : Math.fround((n + 1) / scale) === x ? n + 1 : Math.fround((n - 1) / scale) === x ? n - 1 : -1;
  return m > 0 && m < scale ? m : -1;
}

/** Copies `b` to `buf` at `p` (room already made); returns the position after it. */
function put(buf: Buffer, p: number, b: Uint8Array): number {
  const n = b.length;
  if (n >= SHORT) {
    buf.set(b, p);
    return p + n;
  }
  for (let i = 0; i < n; i++) buf[p++] = b[i];
  return p;
}

/**
 * An angle to 1e-4 rad with one digit before the point, in place (at most 7 bytes); returns the new
 * position, or minus the start position when the angle needs the general path (|x| >= 10).
 */
function putAngle(buf: Buffer, view: DataView, p: number, x: number): number {
  if (!(x > -10 && x < 10)) return -p;
  // Small integers all the way (| 0): floating-point remainders cost several times more.
  const n = Math.round(x * 1e4) | 0;
  const a = n < 0 ? -n : n;
  const whole = (a / 10000) | 0;
  if (whole >= 10) return -p;
  if (n < 0) buf[p++] = MINUS;
  buf[p++] = ZERO + whole;
  buf[p++] = DOT;
  // The four decimals in one store, from a table of every group of four digits.
  view.setUint32(p, FOUR_DIGITS[a - whole * 10000], true);
  return p + 4;
}

/** "0000" to "9999" as little-endian words of four ASCII digits. */
const FOUR_DIGITS = Uint32Array.from({ length: 10000 }, (_, i) => {
  const d = [(i / 1000) | 0, ((i / 100) | 0) % 10, ((i / 10) | 0) % 10, i % 10];
  return ((ZERO + d[0]) | ((ZERO + d[1]) << 8) | ((ZERO + d[2]) << 16) | ((ZERO + d[3]) << 24)) >>> 0;
});

type Quoted = {
  stations: Uint8Array[];
  robots: Uint8Array[];
  conveyors: Uint8Array[];
  /** Per robot and state: everything before its joint angles, one piece (index robot × states + state). */
  robotHeads: Uint8Array[];
  models: Uint8Array[];
  /** Per body slot: the id last seen there and its record's start, encoded once per body, not per line. */
  bodyIds: Array<string | null>;
  bodyModels: number[];
  bodyColors: Array<string | null>;
  bodyHeads: Uint8Array[];
  /** Per station: a location at it, and the `,"ts":` after it. */
  atStation: Uint8Array[];
  /** Per conveyor: a location on it, up to its progress. */
  onConveyor: Uint8Array[];
};
const quotedIds = new WeakMap<LineSource, Quoted>();

function idsOf(hub: LineSource) {
  let q = quotedIds.get(hub);
  if (!q) {
    const quote = (list: string[]) => list.map((id) => utf8(JSON.stringify(id)));
    q = {
      stations: quote(hub.index.stationIds),
      robots: quote(hub.index.robotIds),
      conveyors: quote(hub.index.conveyorIds),
      robotHeads: hub.index.robotIds.flatMap((id) => robotStates.map((s) => utf8(`{"type":"robot","id":${JSON.stringify(id)},"state":"${s}","joints":[`))),
      models: bodyModels.map((m) => utf8(`,"model":"${m}","color":`)),
      bodyIds: [],
      bodyModels: [],
      bodyColors: [],
      bodyHeads: [],
      atStation: hub.index.stationIds.map((id) => utf8(`{"kind":"station","station":${JSON.stringify(id)}},"ts":`)),
      onConveyor: hub.index.conveyorIds.map((id) => utf8(`{"kind":"conveyor","conveyor":${JSON.stringify(id)},"progress":`)),
    };
    quotedIds.set(hub, q);
  }
  return q;
}

/** Appends the recording line of one commit (`{"type":"changes",…}` and a newline) to `out`. */
export function writeChangesLine(out: ByteSink, hub: LineSource, c: CommitInfo): void {
  const { stations, robots, bodies } = hub.tables;
  const q = idsOf(hub);
  out.bytes(C.lineHead);
  if (Number.isSafeInteger(c.time)) out.int(c.time);
  else out.text(String(c.time));
  out.bytes(C.rev);
  out.int(c.revision);
  out.bytes(C.changes);
  let first = true;
  const sep = () => {
    if (first) first = false;
    else out.byte(COMMA);
  };
  for (const r of c.removed) {
    sep();
    out.bytes(C.removeHead);
    out.json(r.id);
    out.bytes(C.ts);
    out.int(Math.round(r.ts));
    out.byte(CLOSE);
  }
  const listedBodies = c.bodies;
  for (let n = 0; n < listedBodies.length; n++) {
    const s = listedBodies[n];
    sep();
    // Everything up to the location's value, one piece per body, remade when its id, model or colour changes.
    const id = bodies.ids[s] ?? '';
    const model = bodies.model[s];
    const color = bodies.colors[s] ?? null;
    if (q.bodyIds[s] !== id || q.bodyModels[s] !== model || q.bodyColors[s] !== color) {
      q.bodyIds[s] = id;
      q.bodyModels[s] = model;
      q.bodyColors[s] = color;
      q.bodyHeads[s] = utf8(`{"type":"body","id":${JSON.stringify(id)},"model":"${bodyModels[model]}","color":${color === null ? 'null' : JSON.stringify(color)},"location":`);
    }
    out.bytes(q.bodyHeads[s]);
    const kind = bodies.locKind[s];
    if (kind === LocationKind.station) out.bytes(q.atStation[bodies.locIndex[s]]);
    else if (kind === LocationKind.conveyor) {
      out.bytes(q.onConveyor[bodies.locIndex[s]]);
      // The shortest text that a replay reads back into the very float32 the hub holds.
      out.float32(bodies.progress[s]);
      out.bytes(C.closeTs);
    } else out.bytes(C.nowhereTs);
    out.int(Math.round(bodies.ts[s]));
    out.bytes(qualityField[bodies.quality[s]]);
    out.byte(CLOSE);
  }
  const listedStations = c.stations;
  for (let n = 0; n < listedStations.length; n++) {
    const i = listedStations[n];
    sep();
    out.bytes(C.stationHead);
    out.bytes(q.stations[i]);
    out.bytes(stationState[stations.state[i]]);
    out.bytes(C.ts);
    out.int(Math.round(stations.ts[i]));
    out.bytes(C.job);
    const job = stations.job[i];
    const jobId = job >= 0 ? bodies.ids[job] : null;
    if (jobId === null || jobId === undefined) out.bytes(C.null);
    else out.json(jobId);
    out.bytes(qualityField[stations.quality[i]]);
    out.byte(CLOSE);
  }
  const listedRobots = c.robots;
  for (let n = 0; n < listedRobots.length; n++) {
    const i = listedRobots[n];
    // The bulk of every line: written in place, one room check per record.
    const head = q.robotHeads[i * robotStates.length + robots.state(i)];
    const quality = qualityField[robots.quality(i)];
    const tool = robots.tool(i) === 1 ? C.toolTrue : C.toolFalse;
    out.room(1 + head.length + JOINT_COUNT * 8 + tool.length + quality.length + 1);
    let buf = out.buf;
    let view = out.view;
    let p = out.pos;
    if (first) first = false;
    else buf[p++] = COMMA;
    p = put(buf, p, head);
    for (let k = 0; k < JOINT_COUNT; k++) {
      if (k > 0) buf[p++] = COMMA;
      const angle = robots.joint(i, k);
      p = putAngle(buf, view, p, angle);
      if (p < 0) {
        // An angle of 10 rad or more (never from a real robot): the general path.
        out.pos = -p;
        out.fixed4(angle);
        out.room(JOINT_COUNT * 8 + tool.length);
        buf = out.buf;
        view = out.view;
        p = out.pos;
      }
    }
    p = put(buf, p, tool);
    out.pos = p;
    out.int(Math.round(robots.ts(i)));
    out.bytes(quality);
    out.byte(CLOSE);
  }
  out.bytes(C.lineEnd);
}
