/**
 * Which twin entity field a Sparkplug metric feeds.
 *
 * 1. An entry of the scene's `sources.sparkplug.mapping` (edge node, optional device, metric name).
 * 2. Otherwise the default naming, from any node or device:
 *      stations/<id>/state · stations/<id>/job · robots/<id>/state · robots/<id>/tool · robots/<id>/joints/<1..6>
 * Anything else (bdSeq, Node Control/*, a node's own diagnostics) is not the twin's business and is skipped.
 */
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { SparkplugMapping } from '../../../protocol/scene-schema.ts';
import type { RobotState, StationState } from '../../../protocol/state.ts';
import { MAX_JOINT_RAD, robotStateSynonyms, stationStateSynonyms } from '../mqtt/payloads.ts';
import type { MetricValue } from './decode.ts';

export type StationField = 'state' | 'job';
export type RobotField = 'state' | 'tool' | 'joint1' | 'joint2' | 'joint3' | 'joint4' | 'joint5' | 'joint6';
export type Target = { kind: 'station'; id: string; field: StationField } | { kind: 'robot'; id: string; field: RobotField };

export type Resolved = { ok: true; target: Target } | { ok: false; reason: 'unknown-id'; message: string } | null;

const DEFAULT_NAME = /^(stations|robots)\/([^/]+)\/(state|job|tool|joints\/([1-6]))$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Checks the scene's mapping against its stations and robots; throws naming the entry. */
export function checkMapping(scene: ResolvedScene, mapping: readonly SparkplugMapping[]): void {
  const stations = new Set(scene.stations.map((s) => s.id));
  const robots = new Set(scene.robots.map((r) => r.id));
  const seen = new Set<string>();
  mapping.forEach((m, i) => {
    const where = `$.sources.sparkplug.mapping[${i}]`;
    const known = m.entity.kind === 'station' ? stations : robots;
    if (!known.has(m.entity.id)) throw new Error(`${where}.entity.id: no ${m.entity.kind} "${m.entity.id}" in scene ${scene.id}`);
    const key = mappingKey(m.edgeNode, m.device ?? null, m.metric);
    if (seen.has(key)) throw new Error(`${where}: metric "${m.metric}" of ${m.edgeNode}${m.device ? '/' + m.device : ''} is mapped twice`);
    seen.add(key);
  });
}

const mappingKey = (edgeNode: string, device: string | null, metric: string) => `${edgeNode}\u0000${device ?? ''}\u0000${metric}`;

export function createMetricResolver(scene: ResolvedScene, mapping: readonly SparkplugMapping[]) {
  checkMapping(scene, mapping);
  const stations = new Set(scene.stations.map((s) => s.id));
  const robots = new Set(scene.robots.map((r) => r.id));
  const table = new Map<string, Target>();
  for (const m of mapping) table.set(mappingKey(m.edgeNode, m.device ?? null, m.metric), { kind: m.entity.kind, id: m.entity.id, field: m.field } as Target);

  return function resolve(edgeNode: string, device: string | null, metric: string): Resolved {
    const mapped = table.get(mappingKey(edgeNode, device, metric));
    if (mapped) return { ok: true, target: mapped };
    const d = DEFAULT_NAME.exec(metric);
    if (!d) return null;
    const [, group, id, field, joint] = d;
    if (!ID.test(id)) return { ok: false, reason: 'unknown-id', message: `metric "${metric.slice(0, 100)}": "${id.slice(0, 64)}" is not an id` };
    if (group === 'stations') {
      if (field === 'tool' || joint) return null;
      if (!stations.has(id)) return { ok: false, reason: 'unknown-id', message: `metric "${metric}": no station "${id}" in scene ${scene.id}` };
      return { ok: true, target: { kind: 'station', id, field: field as StationField } };
    }
    if (field === 'job') return null;
    if (!robots.has(id)) return { ok: false, reason: 'unknown-id', message: `metric "${metric}": no robot "${id}" in scene ${scene.id}` };
    return { ok: true, target: { kind: 'robot', id, field: joint ? (`joint${joint}` as RobotField) : (field as RobotField) } };
  };
}

export type FieldValue = { ok: true; value: StationState | RobotState | string | null | boolean | number } | { ok: false; message: string };

/** A metric value as the field's value; null stays null (the value is unknown: quality bad). */
export function fieldValue(target: Target, value: MetricValue): FieldValue {
  if (value === null) return { ok: true, value: null };
  const bad = (expected: string): FieldValue => ({ ok: false, message: `${target.kind} ${target.id} ${target.field}: expected ${expected}, got ${JSON.stringify(value).slice(0, 40)}` });
  switch (target.field) {
    case 'state': {
      const table: Record<string, string> = target.kind === 'station' ? stationStateSynonyms : robotStateSynonyms;
      const key = typeof value === 'string' ? value.trim().toLowerCase() : '';
      return Object.hasOwn(table, key) ? { ok: true, value: table[key] as StationState } : bad(`a ${target.kind} state string (${Object.keys(table).join(', ')})`);
    }
    case 'job':
      if (value === '') return { ok: true, value: null };
      return typeof value === 'string' && value.length <= 64 && ID.test(value) ? { ok: true, value } : bad('a body id string');
    case 'tool':
      if (typeof value === 'boolean') return { ok: true, value };
      return value === 0 || value === 1 ? { ok: true, value: value === 1 } : bad('a Boolean');
    default:
      return typeof value === 'number' && Math.abs(value) <= MAX_JOINT_RAD ? { ok: true, value } : bad('an angle in radians');
  }
}
