/**
 * Scene file schema (scenes/<id>/scene.json).
 *
 * COMPATIBILITY: this schema must stay backward compatible. Every scene that validated under an
 * earlier `specVersion` must still load: add optional fields with defaults, never rename or remove.
 * A breaking change needs a new specVersion and a migration in loadScene.
 *
 * Units: metres, seconds, degrees in scene files (the state stream uses radians). Y is up.
 */
import { z } from 'zod';
import { bodyModels } from './state.ts';

export const SPEC_VERSION = 1;

export const areaKinds = ['press', 'body', 'paint', 'assembly', 'eol'] as const;
export const stationKinds = [
  'press',
  'weld',
  'framing',
  'sealer',
  'paint-booth',
  'oven',
  'inspection',
  'assembly',
  'marriage',
  'glazing',
  'wheel',
  'test',
] as const;
export const toolKinds = ['spot-weld', 'gripper', 'paint-bell', 'glue-nozzle', 'screwdriver'] as const;
export const robotModelIds = ['ir-210', 'ir-paint', 'ir-20'] as const;

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'an id: letters, digits, ".", "_" or "-", starting with a letter or digit')
  .max(64);
const vec3 = z.tuple([z.number(), z.number(), z.number()]).describe('[x, y, z] in metres, y up');
const positive = z.number().positive();
const degreePair = z.tuple([z.number(), z.number()]).describe('[min, max] in degrees');

export const areaSchema = z.strictObject({
  id,
  name: z.string().min(1),
  kind: z.enum(areaKinds),
  /** Floor rectangle: centre [x, z] and size [width along x, depth along z]. */
  center: z.tuple([z.number(), z.number()]).describe('floor centre [x, z], metres'),
  size: z.tuple([positive, positive]).describe('floor size [x, z], metres'),
});

export const stationSchema = z.strictObject({
  id,
  name: z.string().min(1),
  area: id.describe('id of the area this station belongs to'),
  kind: z.enum(stationKinds),
  position: vec3,
  rotation: z.number().default(0).describe('yaw about the vertical axis, degrees'),
  footprint: z.tuple([positive, positive]).describe('[width along local x, depth along local z], metres'),
  cycleTime: positive.describe('nominal cycle time, seconds'),
  bufferCapacity: z.int().min(0).describe('bodies that fit between this station and the next'),
  next: id
    .nullable()
    .optional()
    .describe('downstream station; omitted: the next station in the list; null: end of the line'),
  mtbf: positive.optional().describe('mean working time between failures, seconds (omitted: never fails)'),
  mttr: positive.optional().describe('mean time to repair, seconds'),
  paintsBody: z.boolean().optional().describe('bodies leaving this station carry their paint colour (the colour coat)'),
  setup: z
    .strictObject({ every: z.int().positive(), duration: positive })
    .optional()
    .describe('a changeover of `duration` seconds after every `every` jobs'),
});

export const robotSchema = z.strictObject({
  id,
  station: id.describe('id of the station the robot works in'),
  model: z.enum(robotModelIds).describe('kinematic model (link lengths), see protocol/kinematics.ts'),
  base: z.strictObject({
    position: vec3,
    rotation: z.number().default(0).describe('yaw about the vertical axis, degrees'),
  }),
  jointLimits: z.tuple([degreePair, degreePair, degreePair, degreePair, degreePair, degreePair]),
  home: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number(), z.number()]).describe('degrees'),
  tool: z.enum(toolKinds),
});

export const conveyorSchema = z.strictObject({
  id,
  from: id.describe('upstream station'),
  to: id.describe('downstream station'),
  path: z.array(vec3).min(2).describe('polyline from the upstream station to the downstream one'),
  speed: positive.describe('metres per second'),
  capacity: z.int().positive().describe('bodies the conveyor holds'),
});

export const cameraSchema = z.strictObject({
  id,
  name: z.string().min(1),
  position: vec3,
  target: vec3,
});

export const productMixSchema = z.strictObject({
  models: z
    .array(z.strictObject({ model: z.enum(bodyModels), share: positive }))
    .min(1)
    .default([
      { model: 'sedan', share: 0.6 },
      { model: 'suv', share: 0.4 },
    ]),
  colors: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        hex: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb'),
        share: positive,
      }),
    )
    .min(1)
    .default([{ name: 'white', hex: '#f2f2f0', share: 1 }]),
});

export const sceneSchema = z.strictObject({
  $schema: z.string().optional(),
  specVersion: z
    .literal(SPEC_VERSION, { error: `expected specVersion ${SPEC_VERSION}: this version of linetwin reads scene format ${SPEC_VERSION}` })
    .describe('scene format version'),
  id,
  name: z.string().min(1),
  taktTime: positive.describe('planned seconds between two finished bodies'),
  areas: z.array(areaSchema).min(1),
  stations: z.array(stationSchema).min(1),
  robots: z.array(robotSchema).default([]),
  conveyors: z.array(conveyorSchema).default([]),
  cameras: z.array(cameraSchema).default([]),
  mix: productMixSchema.default({
    models: [
      { model: 'sedan', share: 0.6 },
      { model: 'suv', share: 0.4 },
    ],
    colors: [{ name: 'white', hex: '#f2f2f0', share: 1 }],
  }),
});

/** A scene as written in a file (defaults not yet applied). */
export type SceneInput = z.input<typeof sceneSchema>;
/** A validated scene with defaults applied. `next` is resolved by loadScene. */
export type Scene = z.output<typeof sceneSchema>;
export type Area = Scene['areas'][number];
export type Station = Scene['stations'][number];
export type Robot = Scene['robots'][number];
export type Conveyor = Scene['conveyors'][number];
export type CameraPreset = Scene['cameras'][number];
export type AreaKind = (typeof areaKinds)[number];
export type StationKind = (typeof stationKinds)[number];
export type ToolKind = (typeof toolKinds)[number];
export type RobotModelId = (typeof robotModelIds)[number];

/** JSON Schema of the scene format, for editors (committed as scenes/scene.schema.json). */
export function sceneJsonSchema(): object {
  return z.toJSONSchema(sceneSchema, { io: 'input', target: 'draft-2020-12' });
}
