/**
 * The tour player: which step is shown, autoplay from step to step, the camera flight and the replay clip of
 * each step. Plain module state driving the store at human speed (a step every few seconds); the progress bar
 * is a CSS animation, so autoplay renders nothing per frame.
 */
import type { ResolvedScene } from '../../../protocol/scene.ts';
import type { Tour, TourStep } from '../../../protocol/scene-schema.ts';
import { playback } from '../net/playback.ts';
import { useTwin } from '../store/store.ts';
import { stepPose } from './frame.ts';

type Options = { loop?: boolean; playing?: boolean };

class TourPlayer {
  private scene: ResolvedScene | null = null;
  private timer = 0;
  /** Autoplay: when the running step's timer started and how much of the step was left then. */
  private startedAt = 0;
  private remainingMs = 0;
  private seq = 0;
  private loop = false;
  /** The view plays a step's clip: leaving it returns to live. */
  private inClip = false;
  /** How often a looping tour went round (kiosk; the test hook reads it). */
  loops = 0;

  attach(scene: ResolvedScene): () => void {
    this.scene = scene;
    return () => {
      this.clearTimer();
      if (this.scene === scene) this.scene = null;
      useTwin.getState().setTour(null);
    };
  }

  tours(): Tour[] {
    return this.scene?.tours ?? [];
  }

  private tour(id: string): Tour | null {
    return this.scene?.tours.find((t) => t.id === id) ?? null;
  }

  start(id: string, opts: Options = {}): void {
    if (!this.tour(id)) return;
    this.loop = opts.loop ?? false;
    this.show(id, 0, opts.playing ?? true);
  }

  next(): void {
    const cur = useTwin.getState().tour;
    const tour = cur && this.tour(cur.id);
    if (!cur || !tour) return;
    if (cur.step + 1 < tour.steps.length) this.show(cur.id, cur.step + 1, cur.playing);
    else if (this.loop) {
      this.loops++;
      this.show(cur.id, 0, cur.playing);
    } else this.show(cur.id, cur.step, false);
  }

  previous(): void {
    const cur = useTwin.getState().tour;
    if (!cur) return;
    this.show(cur.id, Math.max(0, cur.step - 1), cur.playing);
  }

  goTo(step: number): void {
    const cur = useTwin.getState().tour;
    if (cur) this.show(cur.id, step, cur.playing);
  }

  play(): void {
    const cur = useTwin.getState().tour;
    if (!cur || cur.playing) return;
    useTwin.getState().setTour({ ...cur, playing: true });
    this.arm(this.remainingMs > 0 ? this.remainingMs : this.stepMs(cur.id, cur.step));
  }

  pause(): void {
    const cur = useTwin.getState().tour;
    if (!cur || !cur.playing) return;
    this.remainingMs = Math.max(0, this.remainingMs - (performance.now() - this.startedAt));
    this.clearTimer();
    useTwin.getState().setTour({ ...cur, playing: false });
  }

  stop(): void {
    this.clearTimer();
    this.loop = false;
    this.leaveClip();
    useTwin.getState().setTour(null);
  }

  /** A room member shows the presenter's step: no flight (the camera follows the presenter's), no clip, no timer. */
  follow(id: string, step: number): void {
    const tour = this.tour(id);
    if (!tour) return;
    this.clearTimer();
    useTwin.getState().setTour({ id, step: Math.min(step, tour.steps.length - 1), playing: false, seq: ++this.seq });
  }

  step(id: string, index: number): TourStep | null {
    return this.tour(id)?.steps[index] ?? null;
  }

  private stepMs(id: string, index: number): number {
    return (this.step(id, index)?.duration ?? 10) * 1000;
  }

  private show(id: string, index: number, playing: boolean): void {
    const tour = this.tour(id);
    const scene = this.scene;
    if (!tour || !scene) return;
    const i = Math.min(Math.max(0, index), tour.steps.length - 1);
    const step = tour.steps[i];
    this.clearTimer();
    const store = useTwin.getState();
    store.setTour({ id, step: i, playing, seq: ++this.seq });
    const pose = stepPose(scene, step);
    if (pose) store.flyTo(pose);
    this.playClip(step);
    this.remainingMs = step.duration * 1000;
    if (playing) this.arm(this.remainingMs);
  }

  private arm(ms: number): void {
    this.clearTimer();
    this.startedAt = performance.now();
    this.remainingMs = ms;
    this.timer = window.setTimeout(() => {
      this.timer = 0;
      this.remainingMs = 0;
      this.next();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer) window.clearTimeout(this.timer);
    this.timer = 0;
  }

  private playClip(step: TourStep): void {
    const clip = step.replay;
    const range = playback.range();
    if (!clip || !range) {
      this.leaveClip();
      return;
    }
    // Seconds before the newest recorded time, or fixed timestamps of a known recording.
    const at = (v: number | string) => (typeof v === 'number' ? range.to + v * 1000 : Date.parse(v));
    const from = Math.max(range.from, at(clip.from));
    this.inClip = true;
    void playback.seek(from).then((r) => {
      if (r.ok) void playback.send({ type: 'play', speed: clip.speed });
    });
  }

  private leaveClip(): void {
    if (!this.inClip) return;
    this.inClip = false;
    const room = useTwin.getState().room;
    // A presenter going "live" would close its room: move the shared cursor to the newest time instead.
    if (room?.presenter) {
      const range = playback.range();
      if (range)
        void playback.seek(range.to).then((r) => {
          if (r.ok) void playback.send({ type: 'play', speed: 1 });
        });
    } else void playback.send({ type: 'live' });
  }
}

export const tourPlayer = new TourPlayer();
