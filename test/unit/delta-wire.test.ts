import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ws from 'ws';
import { FrameType, FrameWriter, headroomOf } from '../../protocol/codec.ts';
import { wireParser } from '../../protocol/wire.ts';
import { DELTA_HEAD_MAX, deltaWire } from '../../server/delta-wire.ts';
import { FRAME_HEADROOM } from '../../server/hub/twin-hub.ts';

/** What the parser and ws make of a delta, the slow way: the reference deltaWire must equal. */
function reference(frame: Uint8Array): { packet: Buffer; wsFrame: Buffer } {
  const [packet] = new wireParser.Encoder().encode({ type: 2, nsp: '/', data: ['state:delta', Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)] }) as unknown as [Buffer];
  const sender = (ws as unknown as { Sender: { frame(data: Buffer, o: object): Buffer[] } }).Sender;
  return { packet, wsFrame: Buffer.concat(sender.frame(packet, { readOnly: false, mask: false, rsv1: false, opcode: 2, fin: true })) };
}

/** A hub-like frame of about `n` bytes, with or without headroom. */
function frameOf(robots: number, headroom: number, w = new FrameWriter(headroom)): Uint8Array {
  w.begin(FrameType.delta, 2, 1, 1_700_000_000_000, 0);
  for (let i = 0; i < robots; i++) w.robot(i, 1, 0, i % 2 === 0, 1_700_000_000_000 + i, [0.1, 0.2, 0.3, 0.4, 0.5, i]);
  return w.finish();
}

describe('delta on the wire', () => {
  it('[NET7] equals the Socket.IO packet and WebSocket frame the parser and ws make, for every length class, with and without headroom', () => {
    expect(FRAME_HEADROOM).toBeGreaterThanOrEqual(DELTA_HEAD_MAX);
    // 0 robots: a 44-byte frame (7-bit WebSocket length, bin 8); 5: bin 8 but a 16-bit length; 10: bin 16; 2000: bin 32 and a 64-bit length.
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(0, 1, 2, 5, 6, 10, 1800, 1900, 2000), fc.integer({ min: 0, max: 3000 })), fc.boolean(), (robots, roomy) => {
        const frame = frameOf(robots, roomy ? FRAME_HEADROOM : 0);
        const copy = Uint8Array.from(frame);
        const got = deltaWire(frame);
        const want = reference(copy);
        expect(Buffer.compare(got.packet, want.packet)).toBe(0);
        expect(Buffer.compare(got.wsFrame, want.wsFrame)).toBe(0);
        // The frame itself is untouched, and with headroom both are views of its own buffer.
        expect(Buffer.compare(Buffer.from(frame), Buffer.from(copy))).toBe(0);
        if (roomy) expect(got.wsFrame.buffer).toBe(frame.buffer);
        else expect(got.wsFrame.buffer).not.toBe(frame.buffer);
      }),
      { numRuns: 60 },
    );
  });

  it('[NET7] writes in front of a frame only where the hub left room for it', () => {
    // A frame that is a view into a larger buffer (a recording, a message) must not have its neighbours overwritten.
    const whole = new Uint8Array(200).fill(9);
    const inner = frameOf(0, 0);
    whole.set(inner, 100);
    const view = whole.subarray(100, 100 + inner.byteLength);
    expect(headroomOf(view)).toBe(0);
    deltaWire(view);
    expect(whole.subarray(0, 100).every((b) => b === 9)).toBe(true);
    expect(headroomOf(frameOf(1, FRAME_HEADROOM))).toBe(FRAME_HEADROOM);
  });
});
