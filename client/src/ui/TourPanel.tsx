/**
 * Tours: the menu to start one, and while one runs the narration panel with previous/next, play/pause and a
 * progress bar (a CSS animation over the step's duration: nothing re-renders while it fills).
 */
import { useTranslation } from 'react-i18next';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { pick } from '../i18n/i18n.ts';
import { useTwin } from '../store/store.ts';
import { tourPlayer } from '../tour/tour-player.ts';

export function TourMenu({ scene }: { scene: ResolvedScene }) {
  const { t } = useTranslation();
  const active = useTwin((s) => s.tour?.id ?? null);
  const following = useTwin((s) => !!s.room && !s.room.presenter);
  if (scene.tours.length === 0) return null;
  return (
    <div className="tour-menu" role="group" aria-label={t('tour.menu')}>
      <span className="tour-menu-label">{t('tour.menu')}</span>
      {scene.tours.map((tour) => (
        <button
          key={tour.id}
          type="button"
          className={active === tour.id ? 'cam active' : 'cam'}
          data-testid={`tour-start-${tour.id}`}
          disabled={following}
          onClick={() => tourPlayer.start(tour.id)}
        >
          {pick(tour.name)}
        </button>
      ))}
    </div>
  );
}

export function TourPanel({ scene, kiosk = false }: { scene: ResolvedScene; kiosk?: boolean }) {
  const { t } = useTranslation();
  const view = useTwin((s) => s.tour);
  const following = useTwin((s) => !!s.room && !s.room.presenter);
  const tour = view ? scene.tours.find((x) => x.id === view.id) : undefined;
  if (!view || !tour) return null;
  const step = tour.steps[view.step];
  const controls = !kiosk && !following;
  return (
    <section className={kiosk ? 'tour-panel tour-kiosk' : 'tour-panel'} data-testid="tour-panel" data-step={view.step} aria-live="polite">
      <div className="tour-head">
        <span className="tour-name">{pick(tour.name)}</span>
        <span className="tour-count" data-testid="tour-count">
          {t('tour.stepOf', { step: view.step + 1, total: tour.steps.length })}
        </span>
      </div>
      <h2 className="tour-title" data-testid="tour-title">
        {pick(step.title)}
      </h2>
      <p className="tour-text">{pick(step.text)}</p>
      <div className="tour-progress" aria-hidden="true">
        {/* Keyed by the step shown: a new step restarts the bar; pausing freezes it where it is. */}
        <span
          key={view.seq}
          className="tour-progress-fill"
          style={{ animationDuration: `${step.duration}s`, animationPlayState: view.playing ? 'running' : 'paused' }}
        />
      </div>
      {controls && (
        <div className="tour-controls">
          <button type="button" data-testid="tour-previous" disabled={view.step === 0} onClick={() => tourPlayer.previous()}>
            ◀ {t('tour.previous')}
          </button>
          <button type="button" data-testid="tour-play" data-playing={view.playing} onClick={() => (view.playing ? tourPlayer.pause() : tourPlayer.play())}>
            {view.playing ? t('tour.pause') : t('tour.play')}
          </button>
          <button type="button" data-testid="tour-next" disabled={view.step === tour.steps.length - 1} onClick={() => tourPlayer.next()}>
            {t('tour.next')} ▶
          </button>
          <button type="button" className="tour-close" data-testid="tour-close" aria-label={t('tour.close')} title={t('tour.close')} onClick={() => tourPlayer.stop()}>
            ✕
          </button>
        </div>
      )}
    </section>
  );
}
