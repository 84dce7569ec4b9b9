/**
 * The few words the app shell shows before the app's code (and its dictionaries) has arrived. They are the
 * dictionaries' own texts (loading.plant, loading.codeFailed, common.reload; a unit test keeps them equal),
 * copied here so that the shell does not carry i18next and both dictionaries.
 */
import { initialLanguage, type Language } from '../i18n/language.ts';

export type BootText = { plant: string; codeFailed: string; reload: string };

export const bootTexts: Record<Language, BootText> = {
  en: { plant: 'Loading the plant…', codeFailed: 'This page could not load its code. The server may have been updated.', reload: 'Reload' },
  'zh-CN': { plant: '正在加载工厂…', codeFailed: '页面代码无法加载，服务器可能已更新。', reload: '重新加载' },
};

export function bootText(): BootText {
  return bootTexts[initialLanguage()];
}
