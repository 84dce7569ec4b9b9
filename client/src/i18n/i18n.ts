/**
 * Languages: every UI string comes from the dictionaries here (English, Simplified Chinese), switchable at
 * run time (the language button) and by `?lang=zh-CN`. The choice is remembered on this device.
 * Dictionaries are bundled: nothing is fetched at run time.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { initialLanguage, LANGUAGE_STORAGE_KEY, toLanguage, type Language } from './language.ts';
import { zhCN } from './zh-CN.ts';

export { languages, toLanguage, initialLanguage, type Language } from './language.ts';
/** Each language's name in itself, for the language button. */
export const languageNames: Record<Language, string> = { en: 'English', 'zh-CN': '中文' };

const startLanguage = initialLanguage();
void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng: startLanguage,
  fallbackLng: 'en',
  // The dictionaries are bundled: initialise synchronously so the first render is already translated.
  initAsync: false,
  // React escapes what it renders.
  interpolation: { escapeValue: false },
  returnNull: false,
});
// Unit tests import components' pure helpers in Node, where there is no document.
const hasDocument = typeof document !== 'undefined';
if (hasDocument) document.documentElement.lang = startLanguage;

export const i18n = i18next;

export function currentLanguage(): Language {
  return toLanguage(i18next.language) ?? 'en';
}

export function setLanguage(lang: Language): void {
  void i18next.changeLanguage(lang);
  if (hasDocument) document.documentElement.lang = lang;
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, lang);
  } catch {
    // Private mode or a locked-down kiosk: the choice lasts until reload, which is fine.
  }
}

/** Anything the scene names: `name`, and optionally `names` in the page's other languages. */
export type Named = { name: string; names?: { 'zh-CN'?: string } };

/** A name from the scene (plant, area, station, camera, paint colour) in the language shown: its `names` entry, else `name`. */
export function nameOf(entity: Named): string {
  const lang = currentLanguage();
  return lang === 'en' ? entity.name : (entity.names?.[lang] ?? entity.name);
}

/** A scene text (tour titles and narration) in the language shown. */
export function pick(text: Record<Language, string>): string {
  return text[currentLanguage()] ?? text.en;
}
