/** Entity id ↔ index maps for a scene (wire indices follow the scene's order). */
import type { Scene } from './scene-schema.ts';

export type SceneIndex = {
  stationIds: string[];
  robotIds: string[];
  conveyorIds: string[];
  station: Map<string, number>;
  robot: Map<string, number>;
  conveyor: Map<string, number>;
};

export function indexScene(scene: Pick<Scene, 'stations' | 'robots' | 'conveyors'>): SceneIndex {
  const stationIds = scene.stations.map((s) => s.id);
  const robotIds = scene.robots.map((r) => r.id);
  const conveyorIds = scene.conveyors.map((c) => c.id);
  const toMap = (ids: string[]) => new Map(ids.map((id, i) => [id, i]));
  return { stationIds, robotIds, conveyorIds, station: toMap(stationIds), robot: toMap(robotIds), conveyor: toMap(conveyorIds) };
}
