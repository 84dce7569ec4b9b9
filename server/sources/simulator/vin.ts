/**
 * VIN-like body ids (ISO 3779 layout) so the twin shows ids that look like the plant's own:
 * WMI (3) + model descriptor (5) + check digit + model year + plant + serial (6).
 */
import type { BodyModel } from '../../../protocol/state.ts';

/** The 33 characters a VIN may use: digits and letters without I, O and Q. */
export const VIN_ALPHABET = '0123456789ABCDEFGHJKLMNPRSTUVWXYZ';

const WMI = 'WLT';
const MODEL_CODE: Record<BodyModel, string> = { sedan: 'SD20E', suv: 'SV30E' };
const MODEL_YEAR = 'S';
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
const SERIALS_PER_BLOCK = 1_000_000;

/**
 * The VIN of the `seq`-th body (seq ≥ 0). Unique per seq for 33 million bodies: the plant
 * character doubles as the serial block once the six digits run out.
 */
export function vinFor(seq: number, model: BodyModel): string {
  const block = VIN_ALPHABET[Math.floor(seq / SERIALS_PER_BLOCK) % VIN_ALPHABET.length];
  const serial = String(seq % SERIALS_PER_BLOCK).padStart(6, '0');
  const draft = `${WMI}${MODEL_CODE[model]}0${MODEL_YEAR}${block}${serial}`;
  return draft.slice(0, 8) + checkDigit(draft) + draft.slice(9);
}

export function isVin(id: string): boolean {
  return id.length === 17 && [...id].every((c) => VIN_ALPHABET.includes(c)) && checkDigit(id) === id[8];
}

function checkDigit(vin: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += transliterate(vin[i]) * WEIGHTS[i];
  const r = sum % 11;
  return r === 10 ? 'X' : String(r);
}

/** ISO 3779 letter values: A–H → 1–8, J–R → 1–9 (no O, Q), S–Z → 2–9. */
function transliterate(c: string): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  const values = 'ABCDEFGH' + 'JKLMN P R' + 'STUVWXYZ';
  const i = values.indexOf(c);
  if (i < 8) return i + 1;
  if (i < 17) return i - 7;
  return i - 15;
}
