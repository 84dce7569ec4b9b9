/**
 * One recording line for one hub commit, written straight from the hub's committed tables: the
 * recorder is on the hot path of every tick, and building change objects only to stringify them
 * cost several times the write itself. The output is exactly what format.ts's changeSchema reads:
 * times to the millisecond, joints to 1e-4 rad, no `quality` when it is `good`.
 */
import { JOINT_COUNT, bodyModels, qualities, robotStates, stationStates } from '../../protocol/state.ts';
import { LocationKind } from '../../protocol/codec.ts';
import type { CommitInfo, Hub } from '../hub/twin-hub.ts';

const quoted = new WeakMap<Hub, { stations: string[]; robots: string[]; conveyors: string[] }>();

function ids(hub: Hub) {
  let q = quoted.get(hub);
  if (!q) {
    const quote = (list: string[]) => list.map((id) => JSON.stringify(id));
    q = { stations: quote(hub.index.stationIds), robots: quote(hub.index.robotIds), conveyors: quote(hub.index.conveyorIds) };
    quoted.set(hub, q);
  }
  return q;
}

const qualityField = (code: number) => (code === 0 ? '' : `,"quality":"${qualities[code]}"`);
/** A joint angle to 1e-4 rad as a decimal string, through integers: float printing dominated the writer. */
function joint(j: number): string {
  const n = Math.round(j * 1e4);
  const a = n < 0 ? -n : n;
  const frac = a % 10000;
  return `${n < 0 ? '-' : ''}${(a - frac) / 10000}.${frac < 10 ? '000' : frac < 100 ? '00' : frac < 1000 ? '0' : ''}${frac}`;
}

export function changesLine(hub: Hub, c: CommitInfo): string {
  const { stations, robots, bodies } = hub.tables;
  const q = ids(hub);
  const parts: string[] = [];
  for (const r of c.removed) parts.push(`{"type":"body-remove","id":${JSON.stringify(r.id)},"ts":${Math.round(r.ts)}}`);
  for (const s of c.bodies) {
    const kind = bodies.locKind[s];
    const loc =
      kind === LocationKind.station ? `{"kind":"station","station":${q.stations[bodies.locIndex[s]]}}`
      : kind === LocationKind.conveyor ? `{"kind":"conveyor","conveyor":${q.conveyors[bodies.locIndex[s]]},"progress":${bodies.progress[s]}}`
      : '{"kind":"none"}';
    const color = bodies.colors[s];
    parts.push(`{"type":"body","id":${JSON.stringify(bodies.ids[s])},"model":"${bodyModels[bodies.model[s]]}","color":${color === null ? 'null' : `"${color}"`},"location":${loc},"ts":${Math.round(bodies.ts[s])}${qualityField(bodies.quality[s])}}`);
  }
  for (const i of c.stations) {
    const job = stations.job[i];
    const jobId = job >= 0 ? bodies.ids[job] : null;
    parts.push(`{"type":"station","id":${q.stations[i]},"state":"${stationStates[stations.state[i]]}","ts":${Math.round(stations.ts[i])},"job":${jobId === null || jobId === undefined ? 'null' : JSON.stringify(jobId)}${qualityField(stations.quality[i])}}`);
  }
  for (const i of c.robots) {
    const o = i * JOINT_COUNT;
    const j = robots.joints;
    parts.push(`{"type":"robot","id":${q.robots[i]},"state":"${robotStates[robots.state[i]]}","joints":[${joint(j[o])},${joint(j[o + 1])},${joint(j[o + 2])},${joint(j[o + 3])},${joint(j[o + 4])},${joint(j[o + 5])}],"tool":${robots.tool[i] === 1},"ts":${Math.round(robots.ts[i])}${qualityField(robots.quality[i])}}`);
  }
  return `{"type":"changes","t":${c.time},"rev":${c.revision},"changes":[${parts.join(',')}]}\n`;
}
