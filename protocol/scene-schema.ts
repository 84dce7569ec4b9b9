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
import { MODEL_PATH } from './model-rules.ts';
import { bodyModels } from './state.ts';

export const SPEC_VERSION = 1;

// The kinds live in a module without zod, so the browser bundle can import them without the schema library.
import { areaKinds, robotModelIds, stationKinds, toolKinds } from './scene-kinds.ts';
export { areaKinds, robotModelIds, stationKinds, toolKinds };

const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'an id: letters, digits, ".", "_" or "-", starting with a letter or digit')
  .max(64);
const vec3 = z.tuple([z.number(), z.number(), z.number()]).describe('[x, y, z] in metres, y up');
const positive = z.number().positive();
const degreePair = z.tuple([z.number(), z.number()]).describe('[min, max] in degrees');
/** A model of the scene's own: a glTF file under assets/, served by the server at /assets/ (docs/models.md). */
const modelPath = z
  .string()
  .regex(MODEL_PATH, 'a path to a .glb or .gltf file under assets/, relative to the repository root, such as "assets/custom/my-robot.glb" (no "..")')
  .max(256);

/**
 * A name in the page's other languages: `{ "zh-CN": "冲压车间" }`. Optional; a language without one shows `name`.
 * (English is `name` itself.)
 */
export const nameLanguages = ['zh-CN'] as const;
const localNames = z
  .strictObject({ 'zh-CN': z.string().min(1).max(200).optional() })
  .optional()
  .describe('the name in the page\'s other languages, e.g. { "zh-CN": "冲压车间" }; without one, `name` is shown');

export const areaSchema = z.strictObject({
  id,
  name: z.string().min(1),
  names: localNames,
  kind: z.enum(areaKinds),
  /** Floor rectangle: centre [x, z] and size [width along x, depth along z]. */
  center: z.tuple([z.number(), z.number()]).describe('floor centre [x, z], metres'),
  size: z.tuple([positive, positive]).describe('floor size [x, z], metres'),
});

export const stationSchema = z.strictObject({
  id,
  name: z.string().min(1),
  names: localNames,
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
  model3d: modelPath
    .optional()
    .describe("this station's equipment drawn from a glTF file of your own instead of the built-in one (origin at the footprint centre on the floor, +X along the flow, metres)"),
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
  model3d: modelPath
    .optional()
    .describe("the robot drawn from a glTF file of your own; it needs the joint nodes base, shoulder, upper_arm, elbow, wrist_1, wrist_2, wrist_3, flange placed as the kinematic model's chain (docs/models.md)"),
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
  names: localNames,
  position: vec3,
  target: vec3,
});

/** Text shown to people: every tour text comes in English and Simplified Chinese. */
export const tourLanguages = ['en', 'zh-CN'] as const;
const localizedText = z
  .strictObject({ en: z.string().min(1).max(2000), 'zh-CN': z.string().min(1).max(2000) })
  .describe('the same text in English (en) and Simplified Chinese (zh-CN)');

export const tourTargetKinds = ['station', 'robot', 'area'] as const;
const tourTarget = z.strictObject({ kind: z.enum(tourTargetKinds), id });

/**
 * A replay clip: while the step is shown, the view plays this stretch of the history. Times are seconds
 * relative to the newest recorded time (≤ 0: "-120" is two minutes ago), or ISO 8601 timestamps for a
 * recording whose times are known.
 */
const clipTime = z.union([z.number().max(0), z.iso.datetime({ offset: true })]);
export const tourClipSchema = z.strictObject({
  from: clipTime.describe('start: seconds before the newest recorded time (≤ 0) or an ISO 8601 timestamp'),
  to: clipTime.describe('end, as `from`; after `from`'),
  speed: z.number().min(0.25).max(120).default(1).describe('playback speed, ×0.25 … ×120'),
});

export const tourStepSchema = z
  .strictObject({
    title: localizedText,
    text: localizedText,
    duration: positive.max(600).describe('seconds the step stays when the tour plays by itself'),
    camera: z
      .strictObject({ position: vec3, target: vec3 })
      .optional()
      .describe('where the camera flies for this step; or give `frame` instead'),
    frame: tourTarget.optional().describe('an entity the camera frames (used when `camera` is not given)'),
    highlight: z.array(tourTarget).max(16).default([]).describe('entities outlined during the step'),
    replay: tourClipSchema.optional().describe('a stretch of history replayed during the step'),
  })
  .superRefine((step, ctx) => {
    if (!step.camera && !step.frame) ctx.addIssue({ code: 'custom', path: [], message: 'expected `camera` or `frame`: a step must say where to look' });
  });

export const tourSchema = z.strictObject({
  id,
  name: localizedText,
  steps: z.array(tourStepSchema).min(1).max(200),
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
        names: localNames,
        hex: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb'),
        share: positive,
      }),
    )
    .min(1)
    .default([{ name: 'white', hex: '#f2f2f0', share: 1 }]),
});

/** A topic pattern relative to the MQTT prefix, with `{id}` as one whole topic level. */
const topicPattern = z
  .string()
  .regex(
    /^(?:[^/+#{}]+\/)*\{id\}(?:\/[^/+#{}]+)*$/,
    'a topic pattern relative to the prefix, such as "stations/{id}/state": levels separated by "/", exactly one level "{id}", no "+" or "#"',
  );
const sparkplugId = z.string().regex(/^[^/+#]+$/, 'a Sparkplug id: no "/", "+" or "#"');

export const stationMetricFields = ['state', 'job'] as const;
export const robotMetricFields = ['state', 'tool', 'joint1', 'joint2', 'joint3', 'joint4', 'joint5', 'joint6'] as const;
const metricFields = ['state', 'job', 'tool', 'joint1', 'joint2', 'joint3', 'joint4', 'joint5', 'joint6'] as const;

export const sparkplugMappingSchema = z
  .strictObject({
    edgeNode: sparkplugId.describe('edge node id (the 4th topic level of spBv1.0/<group>/<type>/<edgeNode>/<device>)'),
    device: sparkplugId.optional().describe('device id; omitted: a metric of the edge node itself'),
    metric: z.string().min(1).describe('metric name as sent in the NBIRTH/DBIRTH'),
    entity: z
      .strictObject({ kind: z.enum(['station', 'robot']), id: id.describe('id of a station or robot of this scene') })
      .describe('the twin entity this metric feeds'),
    field: z
      .enum(metricFields)
      .describe('which value of the entity: station: state, job; robot: state, tool, joint1..joint6 (radians)'),
  })
  .superRefine((m, ctx) => {
    const allowed: readonly string[] = m.entity.kind === 'station' ? stationMetricFields : robotMetricFields;
    if (!allowed.includes(m.field))
      ctx.addIssue({ code: 'custom', path: ['field'], message: `expected one of ${allowed.join(', ')} for a ${m.entity.kind}, got "${m.field}"` });
  });

export const liveSourcesSchema = z
  .strictObject({
    mqtt: z
      .strictObject({
        prefix: z
          .string()
          .regex(/^[^/+#]+(?:\/[^/+#]+)*$/, 'an MQTT topic prefix such as "plant" or "site1/line3": no "+", "#", empty levels or leading/trailing "/"')
          .optional()
          .describe('first topic levels of every topic (default "plant"; the --mqtt-prefix option overrides it)'),
        topics: z
          .strictObject({
            station: topicPattern.optional().describe('station state topic (default "stations/{id}/state")'),
            robot: topicPattern.optional().describe('robot joints topic (default "robots/{id}/joints")'),
            body: topicPattern.optional().describe('body location topic (default "bodies/{id}/location")'),
            bodyRemove: topicPattern.optional().describe('body removal topic (default "bodies/{id}/remove")'),
          })
          .optional()
          .describe('topic patterns relative to the prefix, for plants whose topics are laid out differently'),
      })
      .optional()
      .describe('MQTT JSON topics (see docs/live-data.md)'),
    sparkplug: z
      .strictObject({
        groupId: sparkplugId.optional().describe('Sparkplug group to follow (default: all groups; the --sparkplug-group option overrides it)'),
        mapping: z
          .array(sparkplugMappingSchema)
          .optional()
          .describe('metric → entity field; metrics named by the default convention (stations/<id>/state, robots/<id>/joints/<1..6>, …) need no entry'),
      })
      .optional()
      .describe('Sparkplug B host (see docs/live-data.md)'),
  })
  .describe('how live plant data maps onto this scene; optional, only used with --mqtt');

export const sceneSchema = z.strictObject({
  $schema: z.string().optional(),
  specVersion: z
    .literal(SPEC_VERSION, { error: `expected specVersion ${SPEC_VERSION}: this version of linetwin reads scene format ${SPEC_VERSION}` })
    .describe('scene format version'),
  id,
  name: z.string().min(1),
  names: localNames,
  taktTime: positive.describe('planned seconds between two finished bodies'),
  areas: z.array(areaSchema).min(1),
  stations: z.array(stationSchema).min(1),
  robots: z.array(robotSchema).default([]),
  conveyors: z.array(conveyorSchema).default([]),
  cameras: z.array(cameraSchema).default([]),
  tours: z.array(tourSchema).default([]).describe('guided tours: steps with a camera, narration in English and Chinese, highlights'),
  mix: productMixSchema.default({
    models: [
      { model: 'sedan', share: 0.6 },
      { model: 'suv', share: 0.4 },
    ],
    colors: [{ name: 'white', hex: '#f2f2f0', share: 1 }],
  }),
  sources: liveSourcesSchema.optional(),
  bodyModels: z
    .strictObject({
      sedan: modelPath.optional().describe('glTF file drawn for sedan bodies'),
      suv: modelPath.optional().describe('glTF file drawn for SUV bodies'),
    })
    .optional()
    .describe("car bodies drawn from glTF files of your own, per body style; the material named body_paint is recoloured per body (docs/models.md)"),
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
export type Tour = Scene['tours'][number];
export type TourStep = Tour['steps'][number];
export type TourTarget = z.output<typeof tourTarget>;
export type { AreaKind, RobotModelId, StationKind, ToolKind } from './scene-kinds.ts';
export type LiveSources = NonNullable<Scene['sources']>;
export type SparkplugMapping = z.output<typeof sparkplugMappingSchema>;

/** JSON Schema of the scene format, for editors (committed as scenes/scene.schema.json). */
export function sceneJsonSchema(): object {
  return z.toJSONSchema(sceneSchema, { io: 'input', target: 'draft-2020-12' });
}
