/**
 * Weld sparks: while a spot-welding robot's tool is active (`tool` in its live state), short-lived sparks fly
 * from its gun. A fixed pool of particles in one instanced mesh: one draw call whether one robot welds or a
 * hundred, and no allocation per frame. With no spark flying it still draws one collapsed instance: the draw
 * calls then do not depend on the moment a frame is counted (the scale benchmarks compare exact counts).
 */
import { useEffect, useMemo } from 'react';
import { useFrame } from '@react-three/fiber';
import { AdditiveBlending, InstancedBufferAttribute, InstancedMesh, Matrix4, MeshBasicMaterial, OctahedronGeometry, Vector3 } from 'three';
import { JOINT_COUNT, qualityCode } from '../../../protocol/state.ts';
import { provideToTestHook } from '../test-hook.ts';
import type { LocateContext } from './locate.ts';
import { fkFrames, forwardKinematics, LINK_COUNT } from './robot-rig.ts';
import { toolTip } from './shapes.ts';

const POOL = 480;
/** Robots emitting in one frame at most: beyond that the screen is full of sparks anyway. */
const MAX_EMITTERS = 24;
const PER_FRAME = 3;
const GRAVITY = -9.8;

const tip = new Vector3();
const m = new Matrix4();
const m2 = new Matrix4();

export function WeldSparks({ ctx }: { ctx: LocateContext }) {
  const welders = useMemo(() => ctx.scene.robots.flatMap((r, i) => (r.tool === 'spot-weld' && ctx.rigs[i] ? [i] : [])), [ctx]);
  const sim = useMemo(() => {
    const mesh = new InstancedMesh(
      new OctahedronGeometry(0.035, 0),
      new MeshBasicMaterial({ color: '#ffc46b', blending: AdditiveBlending, transparent: true, depthWrite: false, toneMapped: false }),
      POOL,
    );
    mesh.name = 'weld-sparks';
    // White instance colours: the sparks share the tool glow's shader program (one compile fewer).
    mesh.instanceColor = new InstancedBufferAttribute(new Float32Array(POOL * 3).fill(1), 3);
    mesh.count = 1;
    mesh.setMatrixAt(0, new Matrix4().makeScale(0, 0, 0));
    mesh.frustumCulled = false;
    mesh.raycast = () => {};
    return { mesh, pos: new Float32Array(POOL * 3), vel: new Float32Array(POOL * 3), life: new Float32Array(POOL), max: new Float32Array(POOL), next: 0, flying: 0, drawn: 1 };
  }, []);
  useEffect(() => provideToTestHook({ sparks: () => sim.flying }), [sim]);
  useEffect(
    () => () => {
      sim.mesh.geometry.dispose();
      (sim.mesh.material as MeshBasicMaterial).dispose();
      sim.mesh.dispose();
    },
    [sim],
  );

  useFrame((_, rawDt) => {
    const { live, rigs } = ctx;
    // A stalled tab resumes with one large step: sparks must not teleport.
    const dt = Math.min(rawDt, 0.05);
    const { pos, vel, life, max, mesh } = sim;
    let emitters = 0;
    for (const i of welders) {
      if (emitters >= MAX_EMITTERS) break;
      if (live.robotTool[i] !== 1 || live.robotQuality[i] !== qualityCode.good) continue;
      emitters++;
      const rig = rigs[i];
      forwardKinematics(rig.chain, live.robotShown, fkFrames, i * JOINT_COUNT);
      m.fromArray(fkFrames, (LINK_COUNT - 1) * 16);
      m2.multiplyMatrices(rig.base, m);
      const t = toolTip['spot-weld'];
      tip.set(t[0], t[1], t[2]).applyMatrix4(m2);
      for (let k = 0; k < PER_FRAME; k++) {
        const s = sim.next;
        sim.next = (s + 1) % POOL;
        pos[s * 3] = tip.x;
        pos[s * 3 + 1] = tip.y;
        pos[s * 3 + 2] = tip.z;
        // A spray in every direction, mostly sideways and up; gravity bends it down.
        const a = Math.random() * Math.PI * 2;
        const sp = 1.5 + Math.random() * 2.5;
        vel[s * 3] = Math.cos(a) * sp;
        vel[s * 3 + 1] = 0.5 + Math.random() * 2;
        vel[s * 3 + 2] = Math.sin(a) * sp;
        max[s] = life[s] = 0.25 + Math.random() * 0.35;
      }
    }
    let n = 0;
    for (let s = 0; s < POOL; s++) {
      if (life[s] <= 0) continue;
      life[s] -= dt;
      if (life[s] <= 0) continue;
      vel[s * 3 + 1] += GRAVITY * dt;
      pos[s * 3] += vel[s * 3] * dt;
      pos[s * 3 + 1] = Math.max(0.02, pos[s * 3 + 1] + vel[s * 3 + 1] * dt);
      pos[s * 3 + 2] += vel[s * 3 + 2] * dt;
      const k = 0.4 + (life[s] / max[s]) * 0.9;
      m.makeScale(k, k, k).setPosition(pos[s * 3], pos[s * 3 + 1], pos[s * 3 + 2]);
      mesh.setMatrixAt(n++, m);
    }
    sim.flying = n;
    if (n === 0) {
      if (sim.drawn === 0) return;
      m.makeScale(0, 0, 0);
      mesh.setMatrixAt(0, m);
    }
    sim.drawn = n;
    mesh.count = Math.max(1, n);
    mesh.instanceMatrix.needsUpdate = true;
  });
  return <primitive object={sim.mesh} />;
}
