/**
 * A server's refusal in the language shown: worded from its code and values through the dictionaries
 * (`serverError.*` for a Socket.IO acknowledgement, `httpError.*` for an HTTP API error answer). A refusal
 * without a code (an older server, or one of this page's own, already worded), with a code this page does not
 * know (a newer server), or missing a value its words need keeps its text.
 */
import { ackErrorCodes, type AckFailure } from '../../../protocol/events.ts';
import { httpErrorReasons, type HttpFailure } from '../../../protocol/http-errors.ts';
import { i18n } from '../i18n/i18n.ts';

/** Where a refusal came from: each transport has its own list of codes and its own words. */
export type RefusalFrom = 'ack' | 'http';

const vocabulary: Record<RefusalFrom, { known: Set<string>; section: string }> = {
  ack: { known: new Set<string>(ackErrorCodes), section: 'serverError' },
  http: { known: new Set<string>(httpErrorReasons), section: 'httpError' },
};
const roles = new Set(['viewer', 'presenter', 'admin']);

export function refusalText(r: Pick<AckFailure, 'error' | 'reason' | 'params'>, from: RefusalFrom = 'ack'): string {
  const { known, section } = vocabulary[from];
  if (!r.reason || !known.has(r.reason)) return r.error;
  const values: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(r.params ?? {})) if (typeof v === 'string' || typeof v === 'number') values[k] = v;
  if (typeof values.role === 'string' && roles.has(values.role)) values.role = i18n.t(`serverError.role.${values.role}`);
  const text = i18n.t(`${section}.${r.reason}`, { ...values, defaultValue: r.error });
  // A value the words need and the server did not send: better its English than a "{{room}}".
  return text.includes('{{') ? r.error : text;
}

/**
 * An HTTP answer's body as a coded refusal, when it is one (`error` a string); null for anything else
 * (no body, not JSON, an answer of another shape). Values other than strings and numbers are dropped.
 */
export function httpFailureOf(body: unknown): HttpFailure | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  if (typeof b.error !== 'string') return null;
  const failure: HttpFailure = { error: b.error };
  if (typeof b.reason === 'string') failure.reason = b.reason;
  if (b.params && typeof b.params === 'object' && !Array.isArray(b.params)) failure.params = b.params as Record<string, string | number>;
  return failure;
}
