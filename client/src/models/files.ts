/**
 * The generated model files the client draws (assets/models/, made by `npm run assets`) and where the
 * server serves them. URLs are relative to the page, so the client also works under a path prefix.
 */
import { robotModelIds, toolKinds, type RobotModelId, type StationKind, type ToolKind } from '../../../protocol/scene-kinds.ts';
import { bodyModels, type BodyModel } from '../../../protocol/state.ts';

export const equipmentNames = ['skid', 'conveyor-section', 'safety-fence', 'welding-fixture', 'paint-booth', 'inspection-tunnel', 'agv', 'press'] as const;
export type EquipmentName = (typeof equipmentNames)[number];

/** Station kinds drawn with a generated model (the others keep their procedural shape). */
export const stationEquipment: Partial<Record<StationKind, EquipmentName>> = {
  press: 'press',
  'paint-booth': 'paint-booth',
  inspection: 'inspection-tunnel',
  weld: 'welding-fixture',
  framing: 'welding-fixture',
  marriage: 'agv',
};

/** Station kinds whose cell is fenced (robots welding inside). */
export const fencedKinds: ReadonlySet<StationKind> = new Set<StationKind>(['weld', 'framing']);

const dir = 'assets/models/';
/** Written with the models by `npm run assets`: its presence says the server serves them. */
export const MANIFEST = `${dir}manifest.json`;

export const robotFile = (model: RobotModelId, lod: 0 | 1) => `${dir}robot-${model}${lod ? '-lod1' : ''}.glb`;
export const toolFile = (kind: ToolKind) => `${dir}tool-${kind}.glb`;
export const bodyFile = (model: BodyModel, biw: boolean, lod: 0 | 1) => `${dir}body-${model}${biw ? '-biw' : ''}${lod ? '-lod1' : ''}.glb`;
export const equipmentFile = (name: EquipmentName) => `${dir}${name}.glb`;

/** Every built-in file, in a fixed order (useGLTF loads them as one batch). */
export const builtinFiles: readonly string[] = [
  ...robotModelIds.flatMap((m) => [robotFile(m, 0), robotFile(m, 1)]),
  ...toolKinds.map(toolFile),
  ...bodyModels.flatMap((b) => [bodyFile(b, false, 0), bodyFile(b, false, 1), bodyFile(b, true, 0), bodyFile(b, true, 1)]),
  ...equipmentNames.map(equipmentFile),
];
