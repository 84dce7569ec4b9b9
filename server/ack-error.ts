/**
 * Refusals sent in acknowledgements: the English text as before, plus a stable code (protocol/events.ts,
 * `ackErrorCodes`) and the values the text is made of, so a client can say it in its own language.
 */
import type { AckErrorCode, AckFailure } from '../protocol/events.ts';

type Params = Record<string, string | number>;

/** An error a handler may throw that becomes a coded refusal (other errors keep their message, no code). */
export class AckError extends Error {
  constructor(
    readonly code: AckErrorCode,
    message: string,
    readonly params?: Params,
  ) {
    super(message);
    this.name = 'AckError';
  }
}

export function refusal(code: AckErrorCode, error: string, params?: Params): AckFailure {
  return params ? { ok: false, reason: code, params, error } : { ok: false, reason: code, error };
}

/** The acknowledgement for an error thrown while handling an event. */
export function refusalOf(e: unknown): AckFailure {
  if (e instanceof AckError) return refusal(e.code, e.message, e.params);
  return { ok: false, error: e instanceof Error ? e.message : String(e) };
}
