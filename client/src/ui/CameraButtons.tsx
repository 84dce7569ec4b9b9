import { useTranslation } from 'react-i18next';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { nameOf } from '../i18n/i18n.ts';
import { useTwin } from '../store/store.ts';

export function CameraButtons({ scene }: { scene: ResolvedScene }) {
  const { t } = useTranslation();
  const active = useTwin((s) => s.cameraPreset);
  if (scene.cameras.length === 0) return null;
  return (
    <nav className="cameras" aria-label={t('view.cameras')}>
      {scene.cameras.map((c) => (
        <button
          key={c.id}
          type="button"
          className={c.id === active ? 'cam active' : 'cam'}
          aria-pressed={c.id === active}
          onClick={() => useTwin.getState().goToPreset(c.id)}
        >
          {nameOf(c)}
        </button>
      ))}
    </nav>
  );
}
