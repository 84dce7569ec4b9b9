import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { nameOf } from '../i18n/i18n.ts';
import type { LiveState } from '../live/live-state.ts';
import { useTwin } from '../store/store.ts';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { KpiBar } from './KpiBar.tsx';
import { SearchBox } from './SearchBox.tsx';
import { SourceHealth } from './SourceHealth.tsx';
import { formatTime } from './format.ts';

/** `children`: more tools for the row under the plant's name (tours, follow-me, language). */
export function Header({ scene, live, children }: { scene: ResolvedScene; live: LiveState; children?: ReactNode }) {
  const { t } = useTranslation();
  const source = useTwin((s) => s.hello?.source);
  const clock = useRef<HTMLSpanElement>(null);

  // The plant clock ticks through a ref: a React render per second would be a commit while streaming.
  useEffect(() => {
    const tick = () => {
      const el = clock.current;
      if (!el) return;
      const text = live.time > 0 ? formatTime(live.time) : '--:--:--';
      if (el.textContent !== text) el.textContent = text;
    };
    tick();
    const id = window.setInterval(tick, 500);
    return () => window.clearInterval(id);
  }, [live]);

  return (
    <header className="topbar">
      <div className="topbar-left">
        <div className="brand">
          <div className="brand-mark" aria-hidden="true">
            <span />
            <span />
            <span />
          </div>
          <div>
            <h1 className="plant-name">{nameOf(scene)}</h1>
            <div className="plant-meta">
              {t('header.meta', { stations: scene.stations.length, robots: scene.robots.length, takt: scene.taktTime })}
              {source ? t('header.source', { source: t(`header.sourceKind.${source}`, { defaultValue: source }) }) : ''}
            </div>
          </div>
        </div>
        <div className="topbar-tools">
          <SearchBox scene={scene} live={live} />
          <KpiBar />
          {children}
        </div>
      </div>
      <div className="topbar-right">
        <SourceHealth />
        <div className="clock" title={t('header.plantTimeTitle')}>
          <span className="clock-label">{t('header.plantTime')}</span>
          <span ref={clock} className="clock-value">
            --:--:--
          </span>
        </div>
        <ConnectionBadge />
      </div>
    </header>
  );
}
