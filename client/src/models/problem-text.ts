/**
 * A model rule's problem (protocol/model-rules.ts) in the language shown: worded from its code and values
 * through the dictionaries (`modelRule.*`), numbers and quotes as the language writes them. The rules' own
 * English `message` is kept for a code this page has no words for.
 */
import { modelProblemCodes, ROBOT_NODES, type ModelProblem, type ModelRole } from '../../../protocol/model-rules.ts';
import { currentLanguage, i18n, type Language } from '../i18n/i18n.ts';

/** What a problem needs to be shown: a code may be one this page does not know (then `message` is shown). */
export type ProblemLike = { code: string; params?: unknown; message: string };

const quotes: Record<Language, [string, string]> = { en: ['"', '"'], 'zh-CN': ['“', '”'] };
const quote = (lang: Language, s: string) => `${quotes[lang][0]}${s}${quotes[lang][1]}`;

function list(lang: Language, items: readonly string[]): string {
  // "a, b, c" / "a、b、c": a plain enumeration, no "and".
  return new Intl.ListFormat(lang, { type: 'conjunction', style: 'narrow' }).format(items);
}

/** Metres: whole metres with grouping from 100 up (a units mistake is often thousands), else 3 significant digits. */
function metres(lang: Language, m: number): string {
  const value = new Intl.NumberFormat(lang, m >= 100 ? { maximumFractionDigits: 0 } : { maximumSignificantDigits: 3 }).format(m);
  return i18n.t('modelRule.metres', { value });
}

/** A node's offset or scale: up to millimetres, as the rules write it (no grouping, no "-0"). */
function vector(lang: Language, v: readonly number[]): string {
  const f = new Intl.NumberFormat(lang, { maximumFractionDigits: 3, useGrouping: false });
  return `[${v.map((x) => f.format(Number(x.toFixed(3)) + 0)).join(', ')}]`;
}

function role(r: ModelRole): string {
  if (r.kind === 'robot') return i18n.t('modelRule.role.robot', { model: r.model });
  if (r.kind === 'body') return i18n.t('modelRule.role.body');
  return i18n.t('modelRule.role.station', { width: r.footprint[0], depth: r.footprint[1] });
}

function values(lang: Language, p: ModelProblem): Record<string, string | number> {
  switch (p.code) {
    case 'no-geometry':
      return {};
    case 'wrong-scale': {
      const { size, expected, unitGuess } = p.params;
      return { size: metres(lang, size), expected: metres(lang, expected), what: role(p.params.role), hint: unitGuess ? i18n.t(`modelRule.unitGuess.${unitGuess}`) : '' };
    }
    case 'missing-joints':
      return { count: p.params.missing.length, nodes: list(lang, p.params.missing.map((n) => quote(lang, n))), chain: ROBOT_NODES.join(' → ') };
    case 'joint-parent':
      return { node: quote(lang, p.params.node), expectedParent: quote(lang, p.params.expectedParent), parent: p.params.parent === null ? i18n.t('modelRule.sceneRoot') : quote(lang, p.params.parent) };
    case 'joint-offset':
      return { node: quote(lang, p.params.node), model: p.params.model, at: vector(lang, p.params.at), expected: vector(lang, p.params.expected) };
    case 'joint-rotation':
      return { node: quote(lang, p.params.node) };
    case 'joint-scale':
      return { node: quote(lang, p.params.node), scale: vector(lang, p.params.scale) };
  }
}

const known = new Set<string>(modelProblemCodes);

export function modelProblemText(p: ProblemLike): string {
  if (!known.has(p.code)) return p.message;
  const lang = currentLanguage();
  try {
    return i18n.t(`modelRule.${p.code}`, { ...values(lang, p as ModelProblem), defaultValue: p.message });
  } catch {
    // Values not in the shape this page knows (a rules file newer than the dictionaries): the English words.
    return p.message;
  }
}
