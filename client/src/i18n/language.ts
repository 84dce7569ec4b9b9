/**
 * Which language the page starts in, without the dictionaries or i18next: the app shell reads it to word its
 * loading screen before the app's code (and i18n) has arrived. The URL wins (a link or a kiosk's address),
 * then this device's last choice, then English.
 */
import { urlParams } from '../url-params.ts';

export const languages = ['en', 'zh-CN'] as const;
export type Language = (typeof languages)[number];

export const LANGUAGE_STORAGE_KEY = 'linetwin:lang';

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
    return localStorage.getItem(LANGUAGE_STORAGE_KEY);
  } catch {
    return null;
  }
}

export function initialLanguage(): Language {
  return toLanguage(urlParams.lang) ?? toLanguage(storedLanguage()) ?? 'en';
}
