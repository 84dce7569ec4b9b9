/**
 * A state delta as it travels to a Socket.IO client: the MessagePack packet of the event `state:delta`
 * (socket.io-msgpack-parser's encoding) and the WebSocket frame around it, made once per tick for every
 * client. When the hub's frame has headroom (FrameWriter.finish(headroom)), both heads are written into it
 * and the frame's bytes are never copied; any other frame is copied once behind fresh heads.
 *
 * The packet head is taken from the real encoder at start, so it stays what the parser makes; test
 * NET7 compares whole packets and WebSocket frames with the encoder's and ws's own.
 */
import { headroomOf } from '../protocol/codec.ts';
import { wireParser } from '../protocol/wire.ts';

/** Socket.IO's packet type of an event (socket.io-parser's PacketType.EVENT). */
const EVENT_PACKET = 2;

/** The packet of `state:delta` with an empty payload, up to the payload's MessagePack `bin` header. */
const EVENT_HEAD: Buffer = (() => {
  const [packet] = new wireParser.Encoder().encode({ type: EVENT_PACKET, nsp: '/', data: ['state:delta', Buffer.alloc(0)] }) as unknown as [Buffer];
  // An empty bin is c4 00 at the very end; anything else means the parser changed its encoding.
  if (packet.length < 2 || packet[packet.length - 2] !== 0xc4 || packet[packet.length - 1] !== 0x00) throw new Error('socket.io-msgpack-parser: unexpected encoding of a binary event');
  return Buffer.from(packet.subarray(0, packet.length - 2));
})();

/** The most bytes the heads take: the packet head, a bin 32 header and a 64-bit-length WebSocket header. */
export const DELTA_HEAD_MAX = EVENT_HEAD.length + 5 + 10;

export type DeltaWire = {
  /** The Socket.IO packet (what engine.io sends as one binary message). */
  packet: Buffer;
  /** The packet inside one final, unmasked binary WebSocket frame. */
  wsFrame: Buffer;
};

function binHeadBytes(n: number): number {
  return n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}

function wsHeadBytes(n: number): number {
  return n < 126 ? 2 : n < 0x10000 ? 4 : 10;
}

/** The delta `frame` as a Socket.IO packet and WebSocket frame, written around it where it has room. */
export function deltaWire(frame: Uint8Array): DeltaWire {
  const n = frame.byteLength;
  const bin = binHeadBytes(n);
  const packetBytes = EVENT_HEAD.length + bin + n;
  const ws = wsHeadBytes(packetBytes);
  const head = ws + EVENT_HEAD.length + bin;
  let buf: Buffer;
  if (headroomOf(frame) >= head) buf = Buffer.from(frame.buffer, frame.byteOffset - head, head + n);
  else {
    buf = Buffer.allocUnsafe(head + n);
    buf.set(frame, head);
  }
  let at = 0;
  // WebSocket: FIN + binary opcode, then the payload length (RFC 6455 §5.2), no mask from a server.
  buf[at++] = 0x82;
  if (ws === 2) buf[at++] = packetBytes;
  else if (ws === 4) {
    buf[at++] = 126;
    buf.writeUInt16BE(packetBytes, at);
    at += 2;
  } else {
    buf[at++] = 127;
    buf.writeUInt32BE(Math.floor(packetBytes / 0x100000000), at);
    buf.writeUInt32BE(packetBytes >>> 0, at + 4);
    at += 8;
  }
  const packetAt = at;
  buf.set(EVENT_HEAD, at);
  at += EVENT_HEAD.length;
  // MessagePack bin 8 / 16 / 32.
  if (bin === 2) {
    buf[at++] = 0xc4;
    buf[at++] = n;
  } else if (bin === 3) {
    buf[at++] = 0xc5;
    buf.writeUInt16BE(n, at);
  } else {
    buf[at++] = 0xc6;
    buf.writeUInt32BE(n, at);
  }
  return { packet: buf.subarray(packetAt), wsFrame: buf };
}
