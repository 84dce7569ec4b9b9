/**
 * Kiosk mode (`/?kiosk`) for an unattended show-stand screen: no developer UI, the visitor tour on a loop,
 * large KPIs, touch to explore (orbit, pinch, tap to select), and back to the loop after a while without input
 * (`?idle=S`, default 60 s). The connection badge stays: after a restart or a network loss the last state stays
 * on screen and the page resumes by itself.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { nameOf } from '../i18n/i18n.ts';
import type { LiveState } from '../live/live-state.ts';
import { useTwin } from '../store/store.ts';
import { shownRate } from '../store/analytics-feed.ts';
import { tourPlayer } from '../tour/tour-player.ts';
import { ConnectionBadge } from '../ui/ConnectionBadge.tsx';
import { LanguageButton } from '../ui/LanguageButton.tsx';
import { TourPanel } from '../ui/TourPanel.tsx';
import { urlParams } from '../url-params.ts';

/** KPIs change slowly; a poll every 15 s is plenty and costs the server nothing. */
const KPI_POLL_MS = 15_000;
/** Everything a person does that means "someone is here". */
const INPUT_EVENTS = ['pointerdown', 'pointermove', 'pointerup', 'wheel', 'keydown', 'touchstart'] as const;

export function loopTourId(scene: ResolvedScene): string | null {
  const wanted = urlParams.tour;
  return (scene.tours.find((t) => t.id === wanted) ?? scene.tours.find((t) => t.id === 'visitor') ?? scene.tours[0])?.id ?? null;
}

export function Kiosk({ scene, live }: { scene: ResolvedScene; live: LiveState }) {
  const { t } = useTranslation();
  const mode = useTwin((s) => s.kiosk);

  useEffect(() => {
    const store = useTwin.getState();
    const tourId = loopTourId(scene);
    let idleTimer = 0;
    const startLoop = () => {
      idleTimer = 0;
      const s = useTwin.getState();
      s.select(null);
      s.setKiosk('tour');
      if (tourId) tourPlayer.start(tourId, { loop: true });
      else if (scene.cameras[0]) s.goToPreset(scene.cameras[0].id);
    };
    const onInput = (e: Event) => {
      // A drag or a pinch in progress is input; a mouse merely resting over the screen is not.
      if (e.type === 'pointermove' && (e as PointerEvent).buttons === 0) return;
      if (useTwin.getState().kiosk === 'tour') {
        tourPlayer.pause();
        useTwin.getState().setKiosk('explore');
      }
      window.clearTimeout(idleTimer);
      idleTimer = window.setTimeout(startLoop, urlParams.idleS * 1000);
      // Full screen needs a user gesture: the first touch takes the whole screen (a kiosk browser may already).
      if (!document.fullscreenElement && document.fullscreenEnabled) document.documentElement.requestFullscreen?.().catch(() => undefined);
    };
    for (const e of INPUT_EVENTS) window.addEventListener(e, onInput, { capture: true, passive: true });
    startLoop();
    return () => {
      for (const e of INPUT_EVENTS) window.removeEventListener(e, onInput, { capture: true });
      window.clearTimeout(idleTimer);
      tourPlayer.stop();
      store.setKiosk(null);
    };
  }, [scene]);

  return (
    <div className="kiosk" data-testid="kiosk" data-mode={mode ?? 'tour'}>
      <div className="kiosk-top">
        <h1 className="kiosk-title">{nameOf(scene)}</h1>
        <div className="kiosk-top-right">
          <ConnectionBadge />
          <LanguageButton large />
        </div>
      </div>
      <Kpis live={live} />
      {mode === 'explore' ? (
        <div className="kiosk-hint" data-testid="kiosk-hint">
          {t('kiosk.exploring', { seconds: urlParams.idleS })}
        </div>
      ) : (
        <TourPanel scene={scene} kiosk />
      )}
    </div>
  );
}

type KpiValues = { jph: number | null; today: number | null };

/** Large numbers for visitors: jobs per hour over the last hour, bodies built since midnight (plant time). */
function Kpis({ live }: { live: LiveState }) {
  const { t } = useTranslation();
  const jph = useRef<HTMLSpanElement>(null);
  const today = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    let stopped = false;
    let timer = 0;
    const show = (v: KpiValues) => {
      // Written through refs: a KPI update is not worth a React render of the kiosk.
      if (jph.current) jph.current.textContent = v.jph === null ? '–' : String(Math.round(v.jph));
      if (today.current) today.current.textContent = v.today === null ? '–' : String(v.today);
    };
    const line = async (query: string): Promise<{ jobsPerHour: number | null; bodiesCompleted: number } | null> => {
      try {
        const res = await fetch(`/api/kpis?${query}`, { cache: 'no-store', signal: AbortSignal.timeout(8000) });
        if (!res.ok) return null;
        const body = (await res.json()) as { line?: { jobsPerHour?: number; bodiesCompleted?: number }; window?: { seconds?: number } };
        if (typeof body.line?.jobsPerHour !== 'number') return null;
        // Right after a start a rate over a few seconds of data would be nonsense on a big screen.
        return { jobsPerHour: shownRate(body.line.jobsPerHour, body.window?.seconds ?? 0), bodiesCompleted: body.line.bodiesCompleted ?? 0 };
      } catch {
        // Server away: keep the last numbers (the badge says we are reconnecting).
        return null;
      }
    };
    const poll = async () => {
      // "Today" is the plant's day: wait for the first state to know the plant's clock.
      if (live.time <= 0) {
        timer = window.setTimeout(() => void poll(), 1000);
        return;
      }
      const now = live.time;
      const midnight = new Date(now);
      midnight.setHours(0, 0, 0, 0);
      const [hour, day] = await Promise.all([line('window=1h'), line(`from=${midnight.getTime()}&to=${Math.round(now)}`)]);
      if (stopped) return;
      if (hour || day) show({ jph: hour?.jobsPerHour ?? null, today: day?.bodiesCompleted ?? null });
      timer = window.setTimeout(() => void poll(), KPI_POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [live]);

  return (
    <div className="kiosk-kpis" data-testid="kiosk-kpis">
      <div className="kiosk-kpi">
        <span ref={jph} className="kiosk-kpi-value" data-testid="kiosk-jph">
          –
        </span>
        <span className="kiosk-kpi-label">{t('kiosk.jph')}</span>
      </div>
      <div className="kiosk-kpi">
        <span ref={today} className="kiosk-kpi-value" data-testid="kiosk-today">
          –
        </span>
        <span className="kiosk-kpi-label">{t('kiosk.today')}</span>
      </div>
    </div>
  );
}
