/**
 * Decoding a Sparkplug B payload with sparkplug-payload, then validating it: protobuf decodes many
 * random byte strings "successfully" into nonsense, so the decoded object is checked and normalised
 * (64-bit Longs to numbers) before anything uses it.
 */
import { z } from 'zod';
import sparkplug from 'sparkplug-payload';

const codec = sparkplug.get('spBv1.0');
if (codec === null) throw new Error('sparkplug-payload has no spBv1.0 codec');

export const scalarTypes = ['Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64', 'Float', 'Double', 'Boolean', 'String', 'DateTime', 'Text', 'UUID'] as const;
const otherTypes = ['DataSet', 'Bytes', 'File', 'Template', 'PropertySet', 'PropertySetList'] as const;

export type MetricValue = number | boolean | string | null;
export type Metric = {
  name?: string;
  alias?: number;
  timestamp?: number;
  type: string;
  /** Scalars only; other types (DataSet, Bytes, Template…) are reported as `unsupported`. */
  value: MetricValue;
  unsupported: boolean;
};
export type SparkplugPayload = { timestamp?: number; seq?: number; metrics: Metric[] };

type LongLike = { toNumber(): number; low: number; high: number };
const isLong = (v: unknown): v is LongLike =>
  typeof v === 'object' && v !== null && typeof (v as LongLike).toNumber === 'function' && typeof (v as LongLike).low === 'number' && typeof (v as LongLike).high === 'number';

/** Longs as numbers; values above 2^53 lose precision, which no field here needs. */
const num = z.preprocess((v) => (isLong(v) ? v.toNumber() : v), z.number());
const epochMs = num.pipe(z.number().int().min(0).max(8.64e15));

const metricSchema = z.object({
  name: z.string().max(1024).optional(),
  alias: num.pipe(z.number().int().min(0)).optional(),
  timestamp: epochMs.optional(),
  type: z.enum([...scalarTypes, ...otherTypes], 'unknown metric datatype'),
  value: z.unknown(),
});

const payloadSchema = z.object({
  timestamp: epochMs.optional(),
  seq: num.pipe(z.number().int().min(0).max(255, 'seq must be 0..255')).optional(),
  metrics: z.array(metricSchema).max(100_000).optional(),
});

export type DecodeResult = { ok: true; payload: SparkplugPayload } | { ok: false; reason: 'sparkplug-decode' | 'invalid-payload'; message: string };

function scalar(type: string, v: unknown): MetricValue | undefined {
  if (v === null || v === undefined) return null;
  if (isLong(v)) v = v.toNumber();
  if (type === 'Boolean') return typeof v === 'boolean' ? v : undefined;
  if (type === 'String' || type === 'Text' || type === 'UUID') return typeof v === 'string' ? v : undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function decodeSparkplug(bytes: Uint8Array): DecodeResult {
  let raw: unknown;
  try {
    raw = codec!.decodePayload(bytes);
  } catch (e) {
    return { ok: false, reason: 'sparkplug-decode', message: `not a Sparkplug B payload (${(e as Error).message.slice(0, 80)})` };
  }
  const r = payloadSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    return { ok: false, reason: 'invalid-payload', message: `${i.path.map(String).join('.')}: ${i.message}`.slice(0, 200) };
  }
  const metrics: Metric[] = [];
  for (const [k, m] of (r.data.metrics ?? []).entries()) {
    if (m.name === undefined && m.alias === undefined) return { ok: false, reason: 'invalid-payload', message: `metrics.${k}: a metric needs a name or an alias` };
    const unsupported = !(scalarTypes as readonly string[]).includes(m.type);
    const value = unsupported ? null : scalar(m.type, m.value);
    if (value === undefined) return { ok: false, reason: 'invalid-payload', message: `metrics.${k}: value does not match its datatype ${m.type}` };
    metrics.push({ name: m.name, alias: m.alias, timestamp: m.timestamp, type: m.type, value, unsupported });
  }
  return { ok: true, payload: { timestamp: r.data.timestamp, seq: r.data.seq, metrics } };
}

/** Encoding, for tests and the docs' examples (linetwin itself never publishes). */
export function encodeSparkplug(payload: Parameters<NonNullable<typeof codec>['encodePayload']>[0]): Uint8Array {
  return codec!.encodePayload(payload);
}
