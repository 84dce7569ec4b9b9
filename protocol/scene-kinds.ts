/**
 * The fixed vocabularies of the scene format (see scene-schema.ts, which validates scenes with them). Kept
 * apart from the schema so that code which only needs the lists (the browser) does not pull in zod.
 */

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

export type AreaKind = (typeof areaKinds)[number];
export type StationKind = (typeof stationKinds)[number];
export type ToolKind = (typeof toolKinds)[number];
export type RobotModelId = (typeof robotModelIds)[number];
