import { describe, expect, it } from 'vitest';
import { flightProgress, GLIDE_MAX_S } from '../../client/src/scene/flight.ts';

/**
 * A trainee's camera following a presenter who pans at a steady speed: every 0.25 s a new view arrives and
 * the camera flies there from wherever it is, as CameraRig does (from the current position, t restarted).
 * Returns the follower's speed in each 60 fps frame after the first second.
 */
function followSpeeds(glide: boolean): number[] {
  const speed = 10;
  const frame = 1 / 60;
  let x = 0;
  let from = 0;
  let to = 0;
  let t = 1;
  const speeds: number[] = [];
  for (let i = 0; i < 240; i++) {
    const now = i * frame;
    if (i % 15 === 0) {
      from = x;
      to = now * speed;
      t = 0;
    }
    t = Math.min(1, t + frame / 0.45);
    const next = from + (to - from) * flightProgress(t, glide);
    if (now >= 1) speeds.push((next - x) / frame);
    x = next;
  }
  return speeds;
}

describe('camera flights', () => {
  it('[CAM1] follow-me glides keep the trainee\'s camera moving with a panning presenter; a flight of its own eases in and out', () => {
    expect(0.45).toBeLessThan(GLIDE_MAX_S);
    expect(1.2).toBeGreaterThanOrEqual(GLIDE_MAX_S);
    // Glides: never near a stop between two updates.
    expect(Math.min(...followSpeeds(true))).toBeGreaterThan(3);
    // Eased in and out, every update would start again from rest: what the glides replace.
    expect(Math.min(...followSpeeds(false))).toBeLessThan(1);
    // Both end where they were sent, and start where they were.
    for (const glide of [true, false]) {
      expect(flightProgress(0, glide)).toBe(0);
      expect(flightProgress(1, glide)).toBe(1);
    }
  });
});
