import { useTranslation } from 'react-i18next';
import { BOOT_STEPS, BootScreen } from '../boot/BootScreen.tsx';

type Props = { phase: 'loading' } | { phase: 'retrying'; reason: string; retryInS: number; attempt: number } | { phase: 'drawing' };

/** The shell's loading screen, continued by the app: the plant's description, then the first frame. */
export function LoadingScreen(props: Props) {
  const { t } = useTranslation();
  if (props.phase === 'retrying') return <BootScreen text={t('loading.waiting', { reason: props.reason })} detail={t('loading.retry', { seconds: props.retryInS, attempt: props.attempt })} />;
  return <BootScreen text={t('loading.plant')} progress={(props.phase === 'loading' ? 2 : 3) / BOOT_STEPS} />;
}
