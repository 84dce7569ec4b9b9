/**
 * `?stats`: how the view runs on this machine, in a corner: frames per second with the mean and the worst frame
 * of the last two seconds, draw calls and triangles of the last frame, the GPU resources held, the JavaScript
 * heap where the browser tells it, and the GPU the view draws with (and how often it lost its WebGL context).
 * For checking a show-stand screen or an engineer's laptop on its own hardware (the benchmarks run on a
 * software rasteriser).
 *
 * React renders it once; a timer rewrites its figures twice a second through refs, so it adds no React commit
 * and nothing per frame (the frame times come from the probe the view already runs, scene/frame-probe.ts).
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n } from '../i18n/i18n.ts';
import { rendererOf, type RenderQuality } from '../quality.ts';
import { frameRate } from '../scene/frame-probe.ts';
import { contextLosses } from '../scene/context-loss.ts';
import { renderInfoOf, viewRenderer, type RenderInfo } from '../scene/view-renderer.ts';

const EVERY_MS = 500;

type Figures = { fps: string; frame: string; calls: string; memory: string; heap: string; gpu: string };

/** Chromium's non-standard heap figure; absent elsewhere. */
type MemoryInfo = { usedJSHeapSize: number };

function formatFigures(
  now: { fps: number; meanMs: number; worstMs: number; frames: number },
  info: RenderInfo | null,
  heapBytes: number | null,
  gpu: { renderer: string; level: 'high' | 'low' },
): Figures {
  const dash = '–';
  const n = (x: number) => Math.round(x).toLocaleString(i18n.language);
  return {
    fps: now.frames > 0 ? now.fps.toFixed(now.fps < 10 ? 1 : 0) : dash,
    frame: now.frames > 0 ? i18n.t('perf.frameMs', { mean: now.meanMs.toFixed(1), worst: now.worstMs.toFixed(0) }) : dash,
    calls: info ? i18n.t('perf.callsValue', { calls: n(info.calls), triangles: n(info.triangles) }) : dash,
    memory: info ? i18n.t('perf.memoryValue', { geometries: n(info.geometries), textures: n(info.textures), programs: n(info.programs) }) : dash,
    heap: heapBytes === null ? dash : i18n.t('perf.heapValue', { mb: (heapBytes / 1e6).toFixed(1) }),
    gpu: i18n.t('perf.gpuValue', { renderer: gpu.renderer, level: i18n.t(`perf.level.${gpu.level}`) }) + (contextLosses.count > 0 ? i18n.t('perf.contextsLost', { ...contextLosses }) : ''),
  };
}

export function PerfOverlay({ quality }: { quality: RenderQuality }) {
  // Labels follow the language (a commit when it changes); the figures are rewritten by the timer in it too.
  const { t } = useTranslation();
  const refs = {
    fps: useRef<HTMLElement>(null),
    frame: useRef<HTMLElement>(null),
    calls: useRef<HTMLElement>(null),
    memory: useRef<HTMLElement>(null),
    heap: useRef<HTMLElement>(null),
    gpu: useRef<HTMLElement>(null),
  };

  useEffect(() => {
    // The GPU's name from the view's own context (on a first visit the quality was chosen before it was known).
    let renderer: string | null = null;
    const update = () => {
      const gl = viewRenderer.gl;
      if (gl && renderer === null) renderer = rendererOf(gl.getContext());
      const info = gl ? renderInfoOf(gl) : null;
      const memory = (performance as Performance & { memory?: MemoryInfo }).memory;
      const figures = formatFigures(frameRate(), info, memory ? memory.usedJSHeapSize : null, { renderer: renderer ?? quality.renderer, level: quality.level });
      for (const key of Object.keys(refs) as (keyof Figures)[]) {
        const el = refs[key].current;
        if (el && el.textContent !== figures[key]) el.textContent = figures[key];
      }
    };
    update();
    const timer = window.setInterval(update, EVERY_MS);
    return () => window.clearInterval(timer);
    // The refs are the same objects for the component's life.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [quality]);

  const row = (key: keyof Figures, label: string) => (
    <div className="perf-row">
      <dt>{label}</dt>
      <dd ref={refs[key]} data-testid={`perf-${key}`}>
        –
      </dd>
    </div>
  );
  return (
    <dl className="perf-overlay" data-testid="perf-overlay" aria-label={t('perf.title')}>
      {row('fps', t('perf.fps'))}
      {row('frame', t('perf.frame'))}
      {row('calls', t('perf.calls'))}
      {row('memory', t('perf.memory'))}
      {row('heap', t('perf.heap'))}
      {row('gpu', t('perf.gpu'))}
    </dl>
  );
}
