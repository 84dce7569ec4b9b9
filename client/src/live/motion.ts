/**
 * Per-frame easing of what is drawn toward what was reported. States arrive at ~20 Hz; easing with a time
 * constant of a few ticks makes motion continuous at any frame rate (the blend factor depends on dt, so a
 * slow software-rendered frame moves as far as several fast ones).
 */
import { LocationKind } from '../../../protocol/codec.ts';
import { JOINT_COUNT } from '../../../protocol/state.ts';
import type { LiveState } from './live-state.ts';
import { BODY_LIFT, pointOnPath, type SceneLayout } from './layout.ts';

const ROBOT_TAU = 0.07;
const BODY_TAU = 0.12;
/** Beyond this distance a body jumps instead of gliding across the plant. */
const BODY_JUMP = 30;
const EPS = 1e-4;

const blend = (dt: number, tau: number) => 1 - Math.exp(-Math.min(dt, 0.25) / tau);

/** Eases every robot's drawn joints toward its target; returns whether any robot moved. */
export function easeRobots(live: LiveState, dt: number): boolean {
  const k = blend(dt, ROBOT_TAU);
  const t = live.robotTarget;
  const s = live.robotShown;
  let moved = false;
  for (let i = 0, n = live.robotCount * JOINT_COUNT; i < n; i++) {
    const d = t[i] - s[i];
    if (d > EPS || d < -EPS) {
      s[i] += d * k;
      moved = true;
    } else if (d !== 0) {
      s[i] = t[i];
      moved = true;
    }
  }
  return moved;
}

const target = new Float32Array(3);

/** Where the state puts a body: writes target[] and returns its yaw; NaN when it has no place. */
export function bodyTarget(live: LiveState, layout: SceneLayout, slot: number, out: Float32Array = target): number {
  const kind = live.bodyLocKind[slot];
  const li = live.bodyLocIndex[slot];
  if (kind === LocationKind.station && li < layout.index.stationIds.length) {
    out[0] = layout.stationPos[li * 3];
    out[1] = layout.stationPos[li * 3 + 1] + BODY_LIFT;
    out[2] = layout.stationPos[li * 3 + 2];
    return layout.stationYaw[li];
  }
  if (kind === LocationKind.conveyor && li < layout.conveyors.length) return pointOnPath(layout.conveyors[li], live.bodyProgress[slot], out, 0);
  return NaN;
}

/** Eases every alive body toward where the state puts it; returns whether any body moved. */
export function placeBodies(live: LiveState, layout: SceneLayout, dt: number): boolean {
  const k = blend(dt, BODY_TAU);
  const pos = live.bodyShownPos;
  const yaw = live.bodyShownYaw;
  let moved = false;
  for (let s = 0; s < live.bodySlotsUsed; s++) {
    if (live.bodyAlive[s] !== 1) continue;
    const ty = bodyTarget(live, layout, s);
    if (Number.isNaN(ty)) continue;
    const o = s * 3;
    const dx = target[0] - pos[o], dy = target[1] - pos[o + 1], dz = target[2] - pos[o + 2];
    let dYaw = ty - yaw[s];
    dYaw = Math.atan2(Math.sin(dYaw), Math.cos(dYaw));
    if (live.bodySnap[s] === 1 || dx * dx + dy * dy + dz * dz > BODY_JUMP * BODY_JUMP) {
      live.bodySnap[s] = 0;
      pos[o] = target[0]; pos[o + 1] = target[1]; pos[o + 2] = target[2];
      yaw[s] = ty;
      moved = true;
      continue;
    }
    if (Math.abs(dx) + Math.abs(dy) + Math.abs(dz) + Math.abs(dYaw) < EPS) continue;
    pos[o] += dx * k; pos[o + 1] += dy * k; pos[o + 2] += dz * k;
    yaw[s] += dYaw * k;
    moved = true;
  }
  return moved;
}
