/**
 * Languages: every UI string comes from the dictionaries here (English, Simplified Chinese), switchable at
 * run time (the language button) and by `?lang=zh-CN`. The choice is remembered on this device.
 * Dictionaries are bundled: nothing is fetched at run time.
 */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { urlParams } from '../url-params.ts';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

export const languages = ['en', 'zh-CN'] as const;
export type Language = (typeof languages)[number];
/** Each language's name in itself, for the language button. */
export const languageNames: Record<Language, string> = { en: 'English', 'zh-CN': '中文' };

const STORAGE_KEY = 'linetwin:lang';

/** Accepts `zh`, `zh-cn`, `zh-Hans`… as Chinese; anything else unknown as English. */
export function toLanguage(value: string | null | undefined): Language | null {
  if (!value) return null;
  const v = value.toLowerCase();
  if (v === 'en' || v.startsWith('en-')) return 'en';
  if (v === 'zh' || v.startsWith('zh-')) return 'zh-CN';
  return null;
}

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** The URL wins (a link or a kiosk's address), then this device's last choice, then English. */
export function initialLanguage(): Language {
  return toLanguage(urlParams.lang) ?? toLanguage(storedLanguage()) ?? 'en';
}

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
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Private mode or a locked-down kiosk: the choice lasts until reload, which is fine.
  }
}

/** A scene text (tour titles and narration) in the language shown. */
export function pick(text: Record<Language, string>): string {
  return text[currentLanguage()] ?? text.en;
}
