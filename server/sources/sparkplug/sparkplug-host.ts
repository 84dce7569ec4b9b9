/**
 * The broker-free core of the Sparkplug B source: a non-primary, read-only host application.
 *
 * Per edge node it tracks the session (birth, bdSeq, seq, aliases, devices). Births and data update
 * entities; a node or device death turns everything it fed stale at once. A seq gap means messages
 * were lost, so the node's entities turn stale and its data is refused until its next NBIRTH (a
 * primary host would ask for a rebirth; this one never publishes). Sparkplug is report-by-exception,
 * so by default nothing turns stale by age alone (see staleAfterMs).
 */
import type { ChangeSink } from '../../../protocol/changes.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { RobotState, StationState } from '../../../protocol/state.ts';
import { LiveEntities, entityKey, type EntityKey } from '../mqtt/live-entities.ts';
import { SourceStats, type LiveLog } from '../mqtt/source-stats.ts';
import { decodeSparkplug, type Metric, type SparkplugPayload } from './decode.ts';
import { createMetricResolver, fieldValue, type Target } from './metric-map.ts';
import { parseSparkplugTopic, type SparkplugMessageType } from './topic.ts';

export const sparkplugRejectReasons = [
  'oversized',
  'unknown-topic',
  'sparkplug-decode',
  'invalid-payload',
  'sparkplug-seq',
  'sparkplug-no-birth',
  'sparkplug-stale-death',
  'unknown-alias',
  'unknown-id',
  'internal',
] as const;
export type SparkplugRejectReason = (typeof sparkplugRejectReasons)[number];

type DeviceSession = { born: boolean; aliases: Map<number, string>; entities: Set<EntityKey> };
type NodeSession = {
  born: boolean;
  /** After a seq gap: data is refused until the next NBIRTH. */
  awaitingBirth: boolean;
  bdSeq: number | null;
  seq: number;
  aliases: Map<number, string>;
  entities: Set<EntityKey>;
  devices: Map<string, DeviceSession>;
};

type StationAcc = { state?: StationState; job: string | null; bad: Set<string> };
type RobotAcc = { state?: RobotState; tool?: boolean; joints: number[]; bad: Set<string> };

export type SparkplugHandlerOptions = {
  /** No update for this long (ms) turns an entity stale; null (default): only deaths, seq gaps and broker loss do. */
  staleAfterMs?: number | null;
  maxPayloadBytes?: number;
  log?: LiveLog;
  now?: () => number;
};

export type SparkplugHandler = ReturnType<typeof createSparkplugHandler>;

class Reject extends Error {
  constructor(
    readonly reason: SparkplugRejectReason,
    message: string,
  ) {
    super(message);
  }
}

export function createSparkplugHandler(scene: ResolvedScene, options: SparkplugHandlerOptions = {}) {
  const now = options.now ?? Date.now;
  const staleAfterMs = options.staleAfterMs ?? null;
  const maxPayloadBytes = options.maxPayloadBytes ?? 256 * 1024;
  if (staleAfterMs !== null && !(Number.isFinite(staleAfterMs) && staleAfterMs > 0)) throw new Error(`staleAfterMs must be a number of ms > 0 or null, got ${String(staleAfterMs)}`);
  if (!(Number.isInteger(maxPayloadBytes) && maxPayloadBytes > 0)) throw new Error(`maxPayloadBytes must be a whole number > 0, got ${String(maxPayloadBytes)}`);
  const resolve = createMetricResolver(scene, scene.sources?.sparkplug?.mapping ?? []);
  let sink: ChangeSink | null = null;
  const stats = new SourceStats('sparkplug', options.log ?? (() => undefined), now);
  const entities = new LiveEntities(() => sink, now, staleAfterMs);
  const nodes = new Map<string, NodeSession>();
  const stationAcc = new Map<string, StationAcc>();
  const robotAcc = new Map<string, RobotAcc>();
  const homes = new Map(scene.robots.map((r) => [r.id, r.home.map((d) => (d * Math.PI) / 180)]));

  const nodeKey = (group: string, edgeNode: string) => `${group}/${edgeNode}`;
  const allEntities = (n: NodeSession): EntityKey[] => [...n.entities, ...[...n.devices.values()].flatMap((d) => [...d.entities])];

  /** Finds the metric's name (by alias when it has none) and its target; unmapped metrics give null. */
  function targetOf(m: Metric, aliases: Map<number, string>, edgeNode: string, device: string | null): { name: string; target: Target } | null {
    let name = m.name;
    if (name === undefined) {
      name = aliases.get(m.alias as number);
      if (name === undefined) throw new Reject('unknown-alias', `alias ${m.alias} was not declared in the ${device === null ? 'NBIRTH' : 'DBIRTH'} of ${edgeNode}${device ? '/' + device : ''}`);
    }
    const r = resolve(edgeNode, device, name);
    if (r === null) return null;
    if (!r.ok) {
      stats.reject(r.reason, { message: r.message });
      return null;
    }
    return { name, target: r.target };
  }

  /** Applies the metrics of a birth or data message; returns the keys of the entities it fed. */
  function apply(p: SparkplugPayload, aliases: Map<number, string>, edgeNode: string, device: string | null, fed: Set<EntityKey>): void {
    // Resolve every alias first: a message naming an unknown alias changes nothing.
    const resolved = p.metrics.map((m) => ({ m, t: targetOf(m, aliases, edgeNode, device) }));
    const touched = new Map<EntityKey, { target: Target; ts: number }>();
    const fallbackTs = p.timestamp ?? now();
    for (const { m, t } of resolved) {
      if (t === null) continue;
      if (m.unsupported) {
        stats.reject('invalid-payload', { message: `metric "${t.name}" has datatype ${m.type}; ${t.target.kind} fields need a scalar` });
        continue;
      }
      const v = fieldValue(t.target, m.value);
      if (!v.ok) {
        stats.reject('invalid-payload', { message: v.message });
        continue;
      }
      const { kind, id, field } = t.target;
      if (kind === 'station') {
        const acc = stationAcc.get(id) ?? { job: null, bad: new Set<string>() };
        stationAcc.set(id, acc);
        if (v.value === null) acc.bad.add(field);
        else {
          acc.bad.delete(field);
          if (field === 'state') acc.state = v.value as StationState;
          else acc.job = v.value as string;
        }
      } else {
        const acc = robotAcc.get(id) ?? { joints: (homes.get(id) as number[]).slice(), bad: new Set<string>() };
        robotAcc.set(id, acc);
        if (v.value === null) acc.bad.add(field);
        else {
          acc.bad.delete(field);
          if (field === 'state') acc.state = v.value as RobotState;
          else if (field === 'tool') acc.tool = v.value as boolean;
          else acc.joints[Number(field.slice(5)) - 1] = v.value as number;
        }
      }
      const key = entityKey(kind, id);
      const ts = m.timestamp ?? fallbackTs;
      const prev = touched.get(key);
      touched.set(key, { target: t.target, ts: prev ? Math.max(prev.ts, ts) : ts });
    }
    for (const [key, { target, ts }] of touched) {
      fed.add(key);
      if (target.kind === 'station') {
        const acc = stationAcc.get(target.id) as StationAcc;
        // A station is shown once its state is known; a job alone cannot say what it is doing.
        if (acc.state === undefined) continue;
        entities.report({ type: 'station', id: target.id, state: acc.state, job: acc.job, ts, quality: acc.bad.size > 0 ? 'bad' : 'good' });
      } else {
        const acc = robotAcc.get(target.id) as RobotAcc;
        entities.report({ type: 'robot', id: target.id, state: acc.state ?? 'working', tool: acc.tool ?? false, joints: acc.joints.slice(), ts, quality: acc.bad.size > 0 ? 'bad' : 'good' });
      }
    }
  }

  function checkSeq(n: NodeSession, p: SparkplugPayload, where: string): void {
    if (p.seq === undefined) throw new Reject('invalid-payload', `${where}: seq is missing`);
    const expected = (n.seq + 1) % 256;
    if (p.seq !== expected) {
      n.awaitingBirth = true;
      entities.markStale(allEntities(n));
      throw new Reject('sparkplug-seq', `${where}: seq ${p.seq} after ${n.seq} (expected ${expected}); messages were lost, its entities are stale until its next NBIRTH`);
    }
    n.seq = p.seq;
  }

  function liveNode(key: string, where: string): NodeSession {
    const n = nodes.get(key);
    if (!n || !n.born) throw new Reject('sparkplug-no-birth', `${where}: no NBIRTH seen from this edge node yet`);
    if (n.awaitingBirth) throw new Reject('sparkplug-no-birth', `${where}: waiting for an NBIRTH after a seq gap`);
    return n;
  }

  function bdSeqOf(p: SparkplugPayload): number | null {
    const m = p.metrics.find((x) => x.name === 'bdSeq');
    return typeof m?.value === 'number' ? m.value : null;
  }

  function handle(type: SparkplugMessageType, group: string, edgeNode: string, device: string | null, p: SparkplugPayload): void {
    const key = nodeKey(group, edgeNode);
    const where = `${type} ${key}${device ? '/' + device : ''}`;
    switch (type) {
      case 'NBIRTH': {
        if (p.seq === undefined) throw new Reject('invalid-payload', `${where}: seq is missing`);
        const old = nodes.get(key);
        const n: NodeSession = { born: true, awaitingBirth: false, bdSeq: bdSeqOf(p), seq: p.seq, aliases: new Map(), entities: old?.entities ?? new Set(), devices: new Map() };
        // Device entities of the previous session stay as they are until their DBIRTH refreshes them.
        if (old) for (const [id, d] of old.devices) n.devices.set(id, { born: false, aliases: new Map(), entities: d.entities });
        for (const m of p.metrics) if (m.name !== undefined && m.alias !== undefined) n.aliases.set(m.alias, m.name);
        nodes.set(key, n);
        apply(p, n.aliases, edgeNode, null, n.entities);
        return;
      }
      case 'NDEATH': {
        const n = nodes.get(key);
        if (!n) return;
        const bd = bdSeqOf(p);
        // A late will message of an earlier session must not kill the current one.
        if (n.bdSeq !== null && bd !== n.bdSeq)
          throw new Reject('sparkplug-stale-death', `${where}: bdSeq ${bd ?? 'missing'} is not the current session's ${n.bdSeq}; ignored`);
        n.born = false;
        for (const d of n.devices.values()) d.born = false;
        entities.markStale(allEntities(n));
        return;
      }
      case 'DBIRTH': {
        const n = liveNode(key, where);
        checkSeq(n, p, where);
        const d: DeviceSession = { born: true, aliases: new Map(), entities: n.devices.get(device as string)?.entities ?? new Set() };
        for (const m of p.metrics) if (m.name !== undefined && m.alias !== undefined) d.aliases.set(m.alias, m.name);
        n.devices.set(device as string, d);
        apply(p, d.aliases, edgeNode, device, d.entities);
        return;
      }
      case 'DDEATH': {
        const n = nodes.get(key);
        const d = n?.devices.get(device as string);
        if (!n || !d) return;
        // Stale first: a death makes things stale even when the sequence is broken.
        d.born = false;
        entities.markStale(d.entities);
        if (n.born && !n.awaitingBirth) checkSeq(n, p, where);
        return;
      }
      case 'NDATA': {
        const n = liveNode(key, where);
        checkSeq(n, p, where);
        apply(p, n.aliases, edgeNode, null, n.entities);
        return;
      }
      case 'DDATA': {
        const n = liveNode(key, where);
        checkSeq(n, p, where);
        const d = n.devices.get(device as string);
        if (!d || !d.born) throw new Reject('sparkplug-no-birth', `${where}: no DBIRTH seen from this device yet`);
        apply(p, d.aliases, edgeNode, device, d.entities);
        return;
      }
      default:
        // NCMD / DCMD: commands from other hosts to the node, not plant data.
        return;
    }
  }

  return {
    stats,
    entities,
    staleAfterMs,
    attach(target: ChangeSink | null): void {
      sink = target;
    },
    /** Handles one broker message; never throws. */
    handleMessage(topic: string, payload: Uint8Array): void {
      stats.received++;
      try {
        if (payload.byteLength > maxPayloadBytes) throw new Reject('oversized', `payload of ${payload.byteLength} bytes exceeds the limit of ${maxPayloadBytes}`);
        const t = parseSparkplugTopic(topic);
        if (t === null) throw new Reject('unknown-topic', 'not a Sparkplug B topic (spBv1.0/<group>/<type>/<edge node>[/<device>])');
        if (t.kind === 'state' || t.type === 'NCMD' || t.type === 'DCMD') return;
        const d = decodeSparkplug(payload);
        if (!d.ok) throw new Reject(d.reason, d.message);
        handle(t.type, t.group, t.edgeNode, t.device, d.payload);
        stats.accepted();
      } catch (e) {
        if (e instanceof Reject) stats.reject(e.reason, { message: e.message, topic: topic.slice(0, 200) });
        else stats.reject('internal', { message: `could not handle the message: ${(e as Error).message}`, topic: topic.slice(0, 200) });
      }
    },
    sweep(): void {
      entities.sweep();
      sink?.time?.(now());
    },
    /** Broker connection lost: everything stale. Sessions are kept; the seq check tells whether anything was missed. */
    connectionLost(): void {
      entities.markStale();
    },
    /** Edge nodes seen, for health(). */
    nodeSummary(): { nodes: number; born: number; awaitingBirth: number } {
      let born = 0;
      let awaiting = 0;
      for (const n of nodes.values()) {
        if (n.born && !n.awaitingBirth) born++;
        if (n.awaitingBirth) awaiting++;
      }
      return { nodes: nodes.size, born, awaitingBirth: awaiting };
    },
  };
}
