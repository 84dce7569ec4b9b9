/**
 * This viewer's playback cursor, as the server reports it in `playback:status` (a few times a second), and
 * the commands that move it. It lives outside React: the timeline reads the cursor in its animation loop and
 * extrapolates between statuses; the store hears only the low-rate parts (mode, playing, speed, range).
 */
import type { CommandResult, PlaybackCommand, PlaybackStatus } from '../../../protocol/events.ts';
import { i18n } from '../i18n/i18n.ts';
import { refusalText } from './server-error.ts';
import { useTwin } from '../store/store.ts';

export type CommandSender = (command: PlaybackCommand) => Promise<CommandResult>;

/** Beyond this much real time after the last status the cursor stops: a silent server is not running on. */
const MAX_EXTRAPOLATE_MS = 1500;

export class PlaybackChannel {
  /** The newest status, or null before the first one (or after the connection closed). */
  status: PlaybackStatus | null = null;
  /** performance.now() when `status` arrived. */
  receivedAt = 0;
  /** performance.now() of the last sign that the server's cursor for us is alive (see connection.ts). */
  heardAt = 0;
  /**
   * State time per real millisecond of the main stream, measured from live statuses: the server reports
   * speed 1 in live mode, but a simulator or a shared replay may run at any speed.
   */
  liveRate = 1;
  /** Commands sent and not answered yet: until then the state held may come from either stream. */
  inFlight = 0;
  private sender: CommandSender | null = null;
  /** A seek the server has not confirmed yet: the cursor shows it instead of the older status. */
  private pending: { time: number; seq: number; acked: boolean } | null = null;
  private seq = 0;

  /** The connection registers how to send; returns the detach function. */
  attach(sender: CommandSender): () => void {
    this.sender = sender;
    return () => {
      if (this.sender === sender) this.sender = null;
    };
  }

  get connected(): boolean {
    return this.sender !== null;
  }

  receive(s: PlaybackStatus, now = performance.now()): void {
    const prev = this.status;
    if (prev && prev.mode === 'live' && s.mode === 'live') {
      const dt = now - this.receivedAt;
      if (dt > 50 && dt < 5000) {
        const rate = (s.time - prev.time) / dt;
        if (Number.isFinite(rate) && rate >= 0 && rate <= 1000) this.liveRate = this.liveRate * 0.6 + rate * 0.4;
      }
      // A live cursor that does not move means no news: staleness is judged by frames then.
      if (s.time !== prev.time) this.heardAt = now;
    } else this.heardAt = now;
    this.status = s;
    this.receivedAt = now;
    // The first status after the server answered a seek carries the new cursor.
    if (this.pending?.acked) this.pending = null;
    useTwin.getState().setPlayback(s);
  }

  /** Cursor time (epoch ms) at `now`, moving on smoothly between statuses; null before the first status. */
  cursor(now = performance.now()): number | null {
    if (this.pending) return this.pending.time;
    const s = this.status;
    if (!s) return null;
    if (!s.playing) return s.time;
    const elapsed = Math.min(Math.max(0, now - this.receivedAt), MAX_EXTRAPOLATE_MS);
    const t = s.time + elapsed * (s.mode === 'live' ? this.liveRate : s.speed);
    return s.mode === 'playback' && s.to !== null ? Math.min(t, s.to) : t;
  }

  /** The scrubbable range at `now`; a live history's end moves on with the live cursor. */
  range(now = performance.now()): { from: number; to: number } | null {
    const s = this.status;
    if (!s || s.from === null || s.to === null) return null;
    if (s.mode === 'live' && s.liveSource && s.playing) {
      const elapsed = Math.min(Math.max(0, now - this.receivedAt), MAX_EXTRAPOLATE_MS);
      return { from: s.from, to: Math.max(s.to, s.to + elapsed * this.liveRate) };
    }
    return { from: s.from, to: s.to };
  }

  /**
   * Sends a command; a refusal or a lost answer is shown as a toast (never an error page) and resolved,
   * not thrown, so callers need no error handling.
   */
  async send(command: PlaybackCommand): Promise<CommandResult> {
    const sender = this.sender;
    let result: CommandResult;
    if (!sender) result = { ok: false, error: i18n.t('room.notConnected') };
    else {
      this.inFlight++;
      try {
        result = await sender(command);
      } catch (e) {
        result = { ok: false, error: e instanceof Error ? e.message : String(e) };
      } finally {
        this.inFlight = Math.max(0, this.inFlight - 1);
      }
    }
    // The reason is the server's refusal (worded from its code where this page knows it) or one of ours, already translated.
    if (!result.ok) useTwin.getState().showToast(i18n.t('command.failed', { action: describe(command), reason: refusalText(result) }));
    return result;
  }

  /** Seeks and shows the target at once; the cursor returns to the server's word once it has answered. */
  seek(time: number): Promise<CommandResult> {
    const seq = ++this.seq;
    this.pending = { time, seq, acked: false };
    return this.send({ type: 'seek', time }).then((r) => {
      if (this.pending?.seq === seq) {
        if (r.ok) this.pending.acked = true;
        else this.pending = null;
      }
      return r;
    });
  }

  /** The connection dropped: unanswered commands are lost; the last status stays for display and resuming. */
  disconnected(): void {
    this.pending = null;
    this.inFlight = 0;
  }
}

function describe(c: PlaybackCommand): string {
  switch (c.type) {
    case 'seek':
      return i18n.t('command.seek');
    case 'play':
      return i18n.t('command.play');
    case 'pause':
      return i18n.t('command.pause');
    case 'speed':
      return i18n.t('command.speed');
    case 'step':
      return i18n.t('command.step');
    case 'live':
      return i18n.t('command.live');
  }
}

/** One per page, like the store: the connection feeds it, the timeline and the test hook read it. */
export const playback = new PlaybackChannel();
