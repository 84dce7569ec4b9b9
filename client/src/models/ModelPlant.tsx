/**
 * The plant's machines, robots and bodies: from the glTF models once they are loaded, from the procedural
 * shapes until then (Suspense), when they cannot be loaded (error boundary), and with `?models=off`.
 * Either way the layer reports when it has settled, so the test hook's `settled` means the final look.
 */
import { Component, Suspense, use, useEffect, useLayoutEffect, useMemo, type ReactNode } from 'react';
import { useGLTF } from '@react-three/drei';
import type { GLTF } from 'three-stdlib';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { SceneLayout } from '../live/layout.ts';
import type { LiveState } from '../live/live-state.ts';
import { Bodies } from '../scene/Bodies.tsx';
import { useCommitProbe } from '../scene/commit-probe.ts';
import { Conveyors } from '../scene/Conveyors.tsx';
import type { RobotRig } from '../scene/robot-rig.ts';
import { Robots } from '../scene/Robots.tsx';
import { Stations } from '../scene/Stations.tsx';
import { loadCustomModels, withMeshopt } from './custom.ts';
import { builtinFiles, MANIFEST, stationEquipment } from './files.ts';
import { buildLibrary } from './library.ts';
import { ModelBodies } from './ModelBodies.tsx';
import { ModelEquipment } from './ModelEquipment.tsx';
import { ModelRobots } from './ModelRobots.tsx';
import { useModelStatus, type ModelNoticeItem, type NoticeText } from './model-status.ts';
import { whenViewDrawn } from '../store/store.ts';

type Props = { scene: ResolvedScene; layout: SceneLayout; live: LiveState; rigs: RobotRig[] };

/** `?models=off` draws the procedural shapes only (for comparison, and for very weak machines). */
export function modelsWanted(search = window.location.search): boolean {
  return new URLSearchParams(search).get('models') !== 'off';
}

export function PlantObjects(props: Props) {
  const wanted = useMemo(() => modelsWanted(), []);
  if (!wanted) return <Primitives {...props} settle />;
  return (
    <ModelBoundary fallback={<Primitives {...props} settle />}>
      <Suspense fallback={<Primitives {...props} />}>
        <ServedGate {...props} />
      </Suspense>
    </ModelBoundary>
  );
}

let served: Promise<NoticeText | null> | null = null;

/**
 * Whether the server serves the generated models (a server started without its assets folder does not):
 * asked once, cheaply, so that case is a notice rather than a loader error thrown through React, which
 * react-three-fiber reports as an uncaught error even when a boundary catches it. Asked after the first
 * frame, drawn with the procedural shapes meanwhile: parsing and decoding the glTF files, and compiling their
 * materials' shaders, would otherwise hold the first frame back (seconds on a software rasteriser).
 */
function modelsServed(): Promise<NoticeText | null> {
  served ??= whenViewDrawn()
    .then(() => fetch(MANIFEST, { method: 'HEAD', cache: 'no-cache' }))
    .then(
      (r): NoticeText | null => (r.ok ? null : { key: 'models.notServed', values: { status: r.status, file: MANIFEST } }),
      (): NoticeText => ({ key: 'models.serverSilent' }),
    )
    .then((problem) => {
      // All files at once, in parallel, rather than one after the other as ModelPlant asks for them.
      if (problem === null) useGLTF.preload(builtinFiles as string[], false, false, withMeshopt);
      return problem;
    });
  return served;
}

function ServedGate(props: Props) {
  const problem = use(modelsServed());
  if (problem === null) return <ModelPlant {...props} />;
  return <Primitives {...props} settle notice={{ file: 'assets/models/', severity: 'error', message: { key: 'models.shapesInstead', values: { problem } } }} />;
}

/** The procedural plant; `settle` marks the model layer settled (models off, or failed), with a notice if any. */
function Primitives({ scene, layout, live, rigs, settle, notice }: Props & { settle?: boolean; notice?: ModelNoticeItem }) {
  useEffect(() => {
    if (settle) useModelStatus.getState().settle(notice ? [notice] : []);
  }, [settle, notice]);
  return (
    <>
      <Conveyors scene={scene} />
      <Stations scene={scene} layout={layout} live={live} />
      <Robots scene={scene} live={live} rigs={rigs} />
      <Bodies scene={scene} layout={layout} live={live} />
    </>
  );
}

function ModelPlant({ scene, layout, live, rigs }: Props) {
  useCommitProbe();
  // No Draco (drei would fetch its decoder from a CDN); meshopt from three's bundled decoder.
  const gltfs = useGLTF(builtinFiles as string[], false, false, withMeshopt) as unknown as GLTF[];
  const custom = use(useMemo(() => loadCustomModels(scene), [scene]));
  const lib = useMemo(() => buildLibrary(scene, gltfs, custom), [scene, gltfs, custom]);
  useEffect(() => () => lib.dispose(), [lib]);
  useLayoutEffect(() => useModelStatus.getState().settle(lib.notices), [lib]);
  // Stations keep their slabs and stack lights; their equipment is drawn here where a model exists.
  const procedural = useMemo(() => {
    const mask = new Uint8Array(scene.stations.length);
    scene.stations.forEach((s, i) => {
      mask[i] = lib.stationCustomKit[i] < 0 && !stationEquipment[s.kind] ? 1 : 0;
    });
    return mask;
  }, [scene, lib]);
  return (
    <>
      <Stations scene={scene} layout={layout} live={live} equipmentMask={procedural} />
      <ModelEquipment scene={scene} layout={layout} live={live} lib={lib} />
      <ModelRobots scene={scene} live={live} rigs={rigs} lib={lib} />
      <ModelBodies scene={scene} layout={layout} live={live} lib={lib} />
    </>
  );
}

type BoundaryState = { failed: boolean };

/** The built-in models failed to load (not served, corrupt): say so once, draw the procedural plant. */
class ModelBoundary extends Component<{ fallback: ReactNode; children: ReactNode }, BoundaryState> {
  override state: BoundaryState = { failed: false };

  static getDerivedStateFromError(): BoundaryState {
    return { failed: true };
  }

  override componentDidCatch(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    useModelStatus.getState().settle([
      { file: 'assets/models/', severity: 'error', message: { key: 'models.shapesAfterError', values: { error: message.slice(0, 160) } } },
    ]);
  }

  override render(): ReactNode {
    return this.state.failed ? this.props.fallback : this.props.children;
  }
}
