/**
 * GET /healthz as the source-health panel reads it. Every field past `kind` is optional: each source kind
 * reports what it knows (an MQTT client its broker and rejects, the simulator maybe nothing), and an older or
 * newer server may add or drop fields without breaking the panel.
 */

export type SourceReport = {
  kind: string;
  target?: string;
  connection?: string;
  messageRate?: number;
  messagesTotal?: number;
  lastMessageAt?: number | null;
  rejects?: Record<string, number>;
  staleEntities?: number;
};

export type HealthReport = {
  status?: string;
  time?: number;
  clients?: number;
  sources: SourceReport[];
  changes?: { in?: number; rejected?: Record<string, number> };
  history?: { from: number | null; to: number | null } | null;
};

/** A failure of ours, told by a dictionary key (the panel shows it in the language of the moment). */
export class HealthError extends Error {
  constructor(
    readonly key: string,
    readonly values: Record<string, string | number> = {},
  ) {
    super(key);
  }
}

export async function fetchHealth(signal?: AbortSignal): Promise<HealthReport> {
  const res = await fetch('/healthz', { cache: 'no-store', signal: signal ?? AbortSignal.timeout(5000) });
  if (!res.ok) throw new HealthError('net.serverAnswered', { status: res.status });
  const json = (await res.json()) as Partial<HealthReport> | null;
  if (!json || !Array.isArray(json.sources)) throw new HealthError('health.unreadable');
  const sources = json.sources.filter((s): s is SourceReport => !!s && typeof s === 'object' && typeof (s as SourceReport).kind === 'string');
  return { ...json, sources };
}

const BAD_CONNECTIONS = new Set(['disconnected', 'connecting', 'stopped']);

export function rejectTotal(s: SourceReport): number {
  let n = 0;
  for (const v of Object.values(s.rejects ?? {})) if (typeof v === 'number') n += v;
  return n;
}

export type HealthProblem =
  | { kind: 'connection'; source: string; connection: string }
  | { kind: 'stale'; count: number }
  | { kind: 'rejecting'; source: string };

/**
 * What is wrong, one entry per problem (put in words by the panel): a source not connected, stale entities,
 * or rejects that grew since the previous report (old rejects alone are history, not a problem now).
 */
export function problemsOf(report: HealthReport, previous: HealthReport | null): HealthProblem[] {
  const out: HealthProblem[] = [];
  report.sources.forEach((s, i) => {
    // A replay that reached its end is stopped on purpose.
    if (s.connection && BAD_CONNECTIONS.has(s.connection) && s.kind !== 'replay') out.push({ kind: 'connection', source: s.kind, connection: s.connection });
    if (typeof s.staleEntities === 'number' && s.staleEntities > 0) out.push({ kind: 'stale', count: s.staleEntities });
    const before = previous?.sources[i];
    if (before && before.kind === s.kind && rejectTotal(s) > rejectTotal(before)) out.push({ kind: 'rejecting', source: s.kind });
  });
  return out;
}
