/**
 * The time-travel bar: this viewer's cursor over the scrubbable history, with play/pause, speed, steps,
 * jumps between markers and the way back to live. React renders the controls when the mode, play state or
 * speed change (human speed); the cursor, the clock and the track are written by an animation-frame loop.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n } from '../i18n/i18n.ts';
import { PLAYBACK_SPEEDS, type PlaybackCommand } from '../../../protocol/events.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { LiveState } from '../live/live-state.ts';
import { playback } from '../net/playback.ts';
import { useTwin } from '../store/store.ts';
import { clockText, dayText } from './timeline-scale.ts';
import { TimelineTrack, type Markers } from './timeline-track.ts';

/** While dragging, seeks go out at most this often (the server allows 20 events a second per client). */
const SEEK_EVERY_MS = 100;
/** Held arrow keys repeat faster than a person reads; steps are sent at most this often. */
const STEP_EVERY_MS = 150;
/** A live history grows: its markers are fetched again this often. */
const MARKERS_REFRESH_MS = 10_000;

type Props = { scene: ResolvedScene; live: LiveState };

const icon = {
  play: <path d="M5 3.5v13l11-6.5z" fill="currentColor" />,
  pause: (
    <>
      <rect x="4.5" y="3.5" width="4" height="13" rx="1" fill="currentColor" />
      <rect x="11.5" y="3.5" width="4" height="13" rx="1" fill="currentColor" />
    </>
  ),
  stepBack: <path d="M5 4v12M16 4.5v11L7.5 10z" stroke="currentColor" strokeWidth="2" fill="currentColor" strokeLinejoin="round" />,
  stepFwd: <path d="M15 4v12M4 4.5v11L12.5 10z" stroke="currentColor" strokeWidth="2" fill="currentColor" strokeLinejoin="round" />,
  prevMarker: <path d="M4 3v14M15.5 4.5l-7 5.5 7 5.5M10.5 4.5V15.5" stroke="currentColor" strokeWidth="2" fill="none" strokeLinecap="round" strokeLinejoin="round" />,
  nextMarker: <path d="M16 3v14M4.5 4.5l7 5.5-7 5.5M9.5 4.5V15.5" stroke="currentColor" strokeWidth="2" fill="none" strokeLinecap="round" strokeLinejoin="round" />,
};

function Icon({ d }: { d: keyof typeof icon }) {
  return (
    <svg viewBox="0 0 20 20" width="1em" height="1em" aria-hidden="true" focusable="false">
      {icon[d]}
    </svg>
  );
}

/** The station whose state changes the track shows: the selected one, or a selected robot's. */
function stationOf(scene: ResolvedScene, sel: ReturnType<typeof useTwin.getState>['selection']): string | null {
  if (!sel) return null;
  if (sel.kind === 'station') return sel.id;
  if (sel.kind === 'robot') return scene.robots.find((r) => r.id === sel.id)?.station ?? null;
  return null;
}

const send = (c: PlaybackCommand) => void playback.send(c);

function togglePlay(): void {
  const s = playback.status;
  if (!s) return;
  if (s.mode === 'live' || s.playing) send({ type: 'pause' });
  else send({ type: 'play' });
}

export function Timeline({ scene, live }: Props) {
  const { t } = useTranslation();
  const pb = useTwin((s) => s.playback);
  const hasRange = useTwin((s) => s.range !== null);
  const station = useTwin((s) => stationOf(scene, s.selection));
  const rootRef = useRef<HTMLElement>(null);
  const trackRef = useRef<HTMLDivElement>(null);
  const tipRef = useRef<HTMLDivElement>(null);
  const timeRef = useRef<HTMLDivElement>(null);
  const dayRef = useRef<HTMLSpanElement>(null);
  const track = useRef<TimelineTrack | null>(null);
  /** Time under the pointer while the scrubber is dragged: shown at once, sent at a bounded rate. */
  const drag = useRef<{ time: number; sentAt: number; timer: number } | null>(null);
  const lastStep = useRef(0);

  // The track and its animation loop: created once per scene, never re-rendered by React.
  useEffect(() => {
    const root = trackRef.current;
    const tip = tipRef.current;
    if (!root || !tip) return;
    const onScrub = (time: number, phase: 'start' | 'move' | 'end') => {
      if (!Number.isFinite(time)) return;
      const now = performance.now();
      const d = (drag.current ??= { time, sentAt: -Infinity, timer: 0 });
      d.time = time;
      window.clearTimeout(d.timer);
      if (phase === 'end') {
        drag.current = null;
        void playback.seek(time);
        return;
      }
      if (now - d.sentAt >= SEEK_EVERY_MS) {
        d.sentAt = now;
        send({ type: 'seek', time });
      } else {
        // The last position of a fast drag is sent too, not only the one before it.
        d.timer = window.setTimeout(() => {
          if (drag.current !== d) return;
          d.sentAt = performance.now();
          send({ type: 'seek', time: d.time });
        }, SEEK_EVERY_MS - (now - d.sentAt));
      }
    };
    const t = new TimelineTrack(root, tip, scene, onScrub);
    track.current = t;

    let raf = 0;
    let shownSecond = NaN;
    let shownDay = '';
    let shownMs = NaN;
    const frame = () => {
      raf = requestAnimationFrame(frame);
      const now = performance.now();
      const range = playback.range(now);
      let cursor = drag.current ? drag.current.time : playback.cursor(now);
      if (cursor === null && live.time > 0) cursor = live.time;
      t.update(range, cursor);
      const clock = timeRef.current;
      if (!clock || cursor === null) return;
      const ms = Math.round(cursor);
      if (ms !== shownMs) {
        shownMs = ms;
        clock.dataset.time = String(ms);
      }
      const second = Math.floor(cursor / 1000);
      if (second !== shownSecond) {
        shownSecond = second;
        clock.textContent = clockText(cursor);
        root.setAttribute('aria-valuenow', String(ms));
        root.setAttribute('aria-valuetext', clockText(cursor));
        if (range) {
          root.setAttribute('aria-valuemin', String(Math.round(range.from)));
          root.setAttribute('aria-valuemax', String(Math.round(range.to)));
        }
        const day = dayText(cursor);
        if (day !== shownDay && dayRef.current) {
          shownDay = day;
          dayRef.current.textContent = day;
        }
      }
    };
    raf = requestAnimationFrame(frame);
    return () => {
      cancelAnimationFrame(raf);
      if (drag.current) window.clearTimeout(drag.current.timer);
      drag.current = null;
      t.destroy();
      track.current = null;
    };
  }, [scene, live]);

  // Markers: breakdowns across the plant and the selected station's changes. A recording's never change; a
  // live history's grow, so they are fetched again now and then.
  const liveSource = pb?.liveSource ?? false;
  useEffect(() => {
    if (!hasRange) return;
    let cancelled = false;
    let timer = 0;
    const load = async () => {
      try {
        const res = await fetch(`/api/markers${station ? `?station=${encodeURIComponent(station)}` : ''}`, { cache: 'no-store', signal: AbortSignal.timeout(8000) });
        if (res.ok) {
          const m = (await res.json()) as Markers;
          if (!cancelled && Array.isArray(m.breakdowns)) track.current?.setMarkers(m);
        }
      } catch {
        // Markers are a help, not the view: the ones shown stay, and the next refresh tries again.
      }
      if (!cancelled && liveSource) timer = window.setTimeout(() => void load(), MARKERS_REFRESH_MS);
    };
    void load();
    return () => {
      cancelled = true;
      window.clearTimeout(timer);
    };
  }, [hasRange, station, liveSource]);

  // Keyboard: space plays or pauses, arrows step (with Shift: to the previous or next marker).
  useEffect(() => {
    const typing = (t: EventTarget | null) => {
      const e = t as HTMLElement | null;
      return !!e && (e.isContentEditable || e.tagName === 'INPUT' || e.tagName === 'TEXTAREA' || e.tagName === 'SELECT');
    };
    const onDown = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      if (e.key === ' ') {
        e.preventDefault();
        if (!e.repeat) togglePlay();
      } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
        e.preventDefault();
        const dir = e.key === 'ArrowLeft' ? -1 : 1;
        const now = performance.now();
        if (now - lastStep.current < STEP_EVERY_MS) return;
        lastStep.current = now;
        if (e.shiftKey) jumpToMarker(dir);
        else send({ type: 'step', direction: dir });
      }
    };
    // A focused button would also "click" on the space key's release: the key is ours.
    const onUp = (e: KeyboardEvent) => {
      if (e.key === ' ' && !typing(e.target)) e.preventDefault();
    };
    window.addEventListener('keydown', onDown);
    window.addEventListener('keyup', onUp);
    return () => {
      window.removeEventListener('keydown', onDown);
      window.removeEventListener('keyup', onUp);
    };
  }, []);

  const jumpToMarker = (dir: 1 | -1) => {
    const t = track.current;
    const cursor = playback.cursor();
    if (!t || cursor === null) return;
    const times = t.markerTimes();
    // Going back from just after a marker (while playing, say) should reach the one before it.
    const target = dir > 0 ? times.find((m) => m > cursor + 500) : times.findLast((m) => m < cursor - 1500);
    if (target === undefined) {
      useTwin.getState().showToast(i18n.t(dir > 0 ? 'timeline.noLaterMarker' : 'timeline.noEarlierMarker'), 'info');
      return;
    }
    void playback.seek(target);
  };

  const mode = pb?.mode ?? 'live';
  const playing = pb ? pb.mode === 'live' || pb.playing : false;
  const disabled = !pb || !hasRange;
  const modeLabel = mode === 'playback' ? (pb?.playing ? t('timeline.playbackAt', { speed: pb.speed }) : t('timeline.paused')) : liveSource || !pb ? t('timeline.live') : t('timeline.sharedReplay');
  return (
    <section ref={rootRef} className={`timeline mode-${mode}`} data-testid="timeline" data-mode={mode} aria-label={t('timeline.aria')}>
      <div className="tl-now">
        <div className="tl-time mono" data-testid="timeline-time" ref={timeRef} aria-live="off">
          --:--:--
        </div>
        <div className="tl-sub">
          <span className={`tl-mode tl-mode-${mode}${liveSource ? ' tl-live-source' : ''}`} data-testid="timeline-mode">
            <span className="tl-mode-dot" aria-hidden="true" />
            {modeLabel}
          </span>
          <span className="tl-day" ref={dayRef} />
        </div>
      </div>
      <div className="tl-controls" role="group" aria-label={t('timeline.controls')}>
        <button type="button" className="tl-btn" disabled={disabled} onClick={() => jumpToMarker(-1)} title={t('timeline.prevMarkerTitle')} aria-label={t('timeline.prevMarker')}>
          <Icon d="prevMarker" />
        </button>
        <button type="button" className="tl-btn" disabled={disabled} onClick={() => send({ type: 'step', direction: -1 })} title={t('timeline.stepBackTitle')} aria-label={t('timeline.stepBack')}>
          <Icon d="stepBack" />
        </button>
        <button
          type="button"
          className="tl-btn tl-play"
          data-testid="timeline-play"
          data-playing={playing}
          disabled={disabled}
          onClick={togglePlay}
          title={playing ? (mode === 'live' ? t('timeline.pauseLiveTitle') : t('timeline.pauseTitle')) : t('timeline.playTitle')}
          aria-label={playing ? t('timeline.pause') : t('timeline.play')}
        >
          <Icon d={playing ? 'pause' : 'play'} />
        </button>
        <button type="button" className="tl-btn" disabled={disabled} onClick={() => send({ type: 'step', direction: 1 })} title={t('timeline.stepForwardTitle')} aria-label={t('timeline.stepForward')}>
          <Icon d="stepFwd" />
        </button>
        <button type="button" className="tl-btn" disabled={disabled} onClick={() => jumpToMarker(1)} title={t('timeline.nextMarkerTitle')} aria-label={t('timeline.nextMarker')}>
          <Icon d="nextMarker" />
        </button>
      </div>
      <div className="tl-track-wrap">
        <div
          className="tl-track"
          data-testid="timeline-track"
          ref={trackRef}
          role="slider"
          tabIndex={-1}
          aria-label={station ? t('timeline.trackStation', { station }) : t('timeline.track')}
        />
        {!hasRange && pb && <div className="tl-empty">{t('timeline.noHistory')}</div>}
      </div>
      <label className="tl-speed" title={mode === 'playback' ? t('timeline.speedTitle') : t('timeline.speedHint')}>
        <span className="tl-speed-label">{t('timeline.speed')}</span>
        <select
          value={pb?.mode === 'playback' ? String(pb.speed) : '1'}
          disabled={disabled || mode !== 'playback'}
          onChange={(e) => send({ type: 'speed', speed: Number(e.target.value) })}
        >
          {PLAYBACK_SPEEDS.map((s) => (
            <option key={s} value={String(s)}>
              ×{s}
            </option>
          ))}
        </select>
      </label>
      {/* The slot keeps its width in every mode: the track must not change scale under a dragging hand. */}
      <div className="tl-live-slot">
        {mode === 'playback' && liveSource && (
          <button type="button" className="tl-live" data-testid="timeline-live" onClick={() => send({ type: 'live' })} title={t('timeline.backToLive')}>
            <span className="tl-mode-dot" aria-hidden="true" />
            {t('timeline.live')}
          </button>
        )}
        {mode === 'playback' && !liveSource && pb && (
          <button type="button" className="tl-live tl-follow" data-testid="timeline-follow" onClick={() => send({ type: 'live' })} title={t('timeline.followReplayTitle')}>
            {t('timeline.followReplay')}
          </button>
        )}
      </div>
      <div className="tl-tooltip" ref={tipRef} role="tooltip" hidden />
    </section>
  );
}
