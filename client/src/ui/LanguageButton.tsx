import { useTranslation } from 'react-i18next';
import { currentLanguage, languageNames, setLanguage } from '../i18n/i18n.ts';

/** Switches between English and Chinese; labelled in the language it switches to, so a visitor can find it. */
export function LanguageButton({ large = false }: { large?: boolean }) {
  const { t } = useTranslation();
  const next = currentLanguage() === 'en' ? 'zh-CN' : 'en';
  return (
    <button type="button" className={large ? 'lang-button large' : 'lang-button'} data-testid="language-button" lang={next} title={t('language.switch')} onClick={() => setLanguage(next)}>
      {languageNames[next]}
    </button>
  );
}
