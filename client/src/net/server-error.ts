/**
 * A server's refusal in the language shown: worded from its code and values through the dictionaries
 * (`serverError.*`). A refusal without a code (an older server, or one of this page's own, already worded),
 * with a code this page does not know (a newer server), or missing a value its words need keeps its text.
 */
import { ackErrorCodes, type AckFailure } from '../../../protocol/events.ts';
import { i18n } from '../i18n/i18n.ts';

const known = new Set<string>(ackErrorCodes);
const roles = new Set(['viewer', 'presenter', 'admin']);

export function refusalText(r: Pick<AckFailure, 'error' | 'reason' | 'params'>): string {
  if (!r.reason || !known.has(r.reason)) return r.error;
  const values: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(r.params ?? {})) if (typeof v === 'string' || typeof v === 'number') values[k] = v;
  if (typeof values.role === 'string' && roles.has(values.role)) values.role = i18n.t(`serverError.role.${values.role}`);
  const text = i18n.t(`serverError.${r.reason}`, { ...values, defaultValue: r.error });
  // A value the words need and the server did not send: better its English than a "{{room}}".
  return text.includes('{{') ? r.error : text;
}
