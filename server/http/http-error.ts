/**
 * The HTTP API's error answers: the English sentence as before, plus a stable reason (protocol/http-errors.ts)
 * and the values the sentence is made of, so a client can say it in its own language. The English of every
 * reason is written here once, from the same values that go out as `params`.
 */
import type { HttpErrorReason, HttpFailure } from '../../protocol/http-errors.ts';

type Values<K extends string> = Record<K, string | number>;

const english = {
  'method-not-allowed': (p: Values<'method'>) => `method ${p.method} not allowed; use GET`,
  'no-route': (p: Values<'path'>) => `no API route ${p.path}`,
  'invalid-time': (p: Values<'parameter' | 'value'>) => `${p.parameter}: expected an ISO 8601 time or epoch milliseconds, got "${p.value}"`,
  'no-history-yet': () => 'no history is kept by this server yet',
  'outside-history': (p: Values<'at' | 'from' | 'to'>) => `at: ${p.at} is outside the history, which covers ${p.from} to ${p.to}`,
  'invalid-range': () => 'from and to: expected ISO 8601 times or epoch milliseconds, with from ≤ to',
  'invalid-station': (p: Values<'station' | 'scene'>) => `station: no station "${p.station}" in scene ${p.scene}`,
  'unknown-parameter': (p: Values<'parameter' | 'expected'>) => `unknown parameter "${p.parameter}"; expected ${p.expected}`,
  'repeated-parameter': (p: Values<'parameter'>) => `${p.parameter}: given more than once`,
  'invalid-window': (p: Values<'value'>) => `window: expected 15m, 1h, 8h, shift or a duration such as 90s, 30m, 2h; got "${p.value}"`,
  'window-overdetermined': () => 'window: give at most two of from, to and window',
  'invalid-format': (p: Values<'value'>) => `format: expected json or csv, got "${p.value}"`,
  'from-not-before-to': (p: Values<'from' | 'to'>) => `from: must be earlier than to (from ${p.from}, to ${p.to})`,
  'json-only': () => 'format: a station timeline is JSON only',
  'outside-data': (p: Values<'from' | 'to' | 'dataFrom' | 'dataTo'>) => `the window ${p.from} to ${p.to} is outside the data, which covers ${p.dataFrom} to ${p.dataTo}`,
  'no-data-yet': () => 'no data yet: analytics needs station reports',
  'bad-path-encoding': () => 'the id in the path is not valid percent-encoding',
  'no-station': (p: Values<'station' | 'scene'>) => `no station "${p.station}" in scene ${p.scene}`,
  'station-not-analysed': (p: Values<'station'>) => `no station "${p.station}" in the analysed data`,
  'no-body': (p: Values<'vin'>) => `no body "${p.vin}" in the data kept (bodies are kept while in the plant and for a while after they leave)`,
  'body-not-yet': (p: Values<'vin' | 'at' | 'firstSeen'>) => `no body "${p.vin}" at ${p.at}: it was first seen at ${p.firstSeen}, after that time`,
  'no-analytics': () => 'this server keeps no analytics (a cluster follower): ask the node that runs the source',
} satisfies Record<HttpErrorReason, (p: never) => string>;

/** The values a reason's sentence needs (none for most). */
export type HttpErrorParams<R extends HttpErrorReason> = Parameters<(typeof english)[R]>;

/** An error answer's body: `{ error, reason, params? }`; the route adds its own fields beside them. */
export function httpFailure<R extends HttpErrorReason>(reason: R, ...params: HttpErrorParams<R>): HttpFailure & { error: string; reason: R } {
  const values = params[0] as Record<string, string | number> | undefined;
  const error = (english[reason] as (p?: Record<string, string | number>) => string)(values);
  return values ? { error, reason, params: values } : { error, reason };
}
