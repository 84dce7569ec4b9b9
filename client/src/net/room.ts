/**
 * Trainer follow-me: this screen's side of a room. A presenter opens one and shares its view (camera, selection,
 * tour step; the server relays it as `room:view`); members join by code and follow until they look around by
 * hand, then snap back with one tap. The playback time is shared by the server's room cursor itself.
 * Like playback.ts it lives outside React; the connection registers how to send.
 */
import type { CommandResult, PlaybackStatus, RoomResult, RoomView } from '../../../protocol/events.ts';
import { i18n } from '../i18n/i18n.ts';
import { useTwin } from '../store/store.ts';
import { tourPlayer } from '../tour/tour-player.ts';
import { playback } from './playback.ts';
import { refusalText } from './server-error.ts';
import { TOKEN_KEY } from './token.ts';

export type RoomSender = {
  create(): Promise<RoomResult>;
  join(code: string): Promise<RoomResult>;
  /** Lead again the room this screen opened (its code and key), after a lost connection or a reload. */
  resume(code: string, key: string): Promise<RoomResult>;
  leave(): Promise<CommandResult>;
  view(view: RoomView): void;
  /** Drop and re-open the connection (a new token takes effect on the next handshake). */
  reconnect(): void;
};

/** The room this tab leads and its key, kept for the tab's life so a reload or a lost connection can resume it. */
const LED_KEY = 'linetwin:led-room';

type LedRoom = { code: string; key: string };

function readLed(): LedRoom | null {
  try {
    const v = JSON.parse(sessionStorage.getItem(LED_KEY) ?? 'null') as Partial<LedRoom> | null;
    return v && typeof v.code === 'string' && typeof v.key === 'string' ? { code: v.code, key: v.key } : null;
  } catch {
    return null;
  }
}

function writeLed(led: LedRoom | null): void {
  try {
    if (led) sessionStorage.setItem(LED_KEY, JSON.stringify(led));
    else sessionStorage.removeItem(LED_KEY);
  } catch {
    // Storage refused: the room can still be resumed after a lost connection, from memory, but not after a reload.
  }
}

export class RoomChannel {
  /** The presenter's newest view, kept so a member can snap back to it. */
  lastView: RoomView | null = null;
  /** Views received (the test hook reads it). */
  received = 0;
  private sender: RoomSender | null = null;
  /** A code to join once connected (`?join=CODE`, or the room this screen was in before a reconnect). */
  private wanted: string | null = null;
  /**
   * The room this screen leads (and its key), to resume after a lost connection or a reload; read from session
   * storage when first needed (the first connection, after the first frame), not while the page starts: the
   * first use of session storage in a tab costs a few milliseconds.
   */
  private led: LedRoom | null | undefined = undefined;
  /** A join or resume is on its way after a reconnect: the statuses until its answer say "no room" and mean nothing. */
  private settling = 0;

  attach(sender: RoomSender): () => void {
    this.sender = sender;
    return () => {
      if (this.sender === sender) this.sender = null;
    };
  }

  /** Joins `code` now if connected, else as soon as the connection says hello. */
  want(code: string | null): void {
    this.wanted = code;
  }

  setToken(token: string | null): void {
    try {
      if (token) localStorage.setItem(TOKEN_KEY, token.trim());
      else localStorage.removeItem(TOKEN_KEY);
    } catch {
      // Storage refused (locked-down browser): the token cannot outlive this connection attempt.
    }
    this.sender?.reconnect();
  }

  async create(): Promise<RoomResult> {
    const r = this.sender ? await this.sender.create() : ({ ok: false, error: i18n.t('room.notConnected') } as const);
    if (!r.ok) {
      useTwin.getState().showToast(i18n.t('room.createFailed', { error: refusalText(r) }));
      return r;
    }
    useTwin.getState().setRoom({ code: r.code, presenter: true, following: true });
    this.wanted = null;
    this.lead(r.key ? { code: r.code, key: r.key } : null);
    // The room starts paused where this screen was; a class watches the line run.
    void playback.send({ type: 'play', speed: 1 });
    return r;
  }

  async join(code: string): Promise<RoomResult> {
    const clean = code.trim().toUpperCase();
    // The server sends the room's last view right after the acknowledgement; it may be handled before this
    // method resumes, so it is kept (not applied) until the room is set below.
    if (useTwin.getState().room?.code !== clean) this.lastView = null;
    const r = this.sender ? await this.sender.join(clean) : ({ ok: false, error: i18n.t('room.notConnected') } as const);
    if (!r.ok) {
      useTwin.getState().showToast(i18n.t('room.joinFailed', { error: refusalText(r) }));
      return r;
    }
    this.wanted = r.code;
    useTwin.getState().setRoom({ code: r.code, presenter: false, following: true });
    if (this.lastView) this.apply(this.lastView, true);
    return r;
  }

  async leave(): Promise<void> {
    this.wanted = null;
    this.lastView = null;
    this.lead(null);
    useTwin.getState().setRoom(null);
    if (this.sender) await this.sender.leave();
  }

  /** The presenter's screen changed: tell the room (the caller throttles camera moves). */
  share(view: RoomView): void {
    if (useTwin.getState().room?.presenter) this.sender?.view(view);
  }

  receive(view: RoomView): void {
    this.received++;
    this.lastView = view;
    const room = useTwin.getState().room;
    if (room && !room.presenter && room.following) this.apply(view, false);
  }

  /** A member moved the camera by hand: it looks around on its own until it snaps back. */
  lookAround(): void {
    const room = useTwin.getState().room;
    if (room && !room.presenter && room.following) useTwin.getState().setRoom({ ...room, following: false });
  }

  snapBack(): void {
    const room = useTwin.getState().room;
    if (!room || room.presenter) return;
    useTwin.getState().setRoom({ ...room, following: true });
    if (this.lastView) this.apply(this.lastView, true);
  }

  private apply(view: RoomView, snap: boolean): void {
    const store = useTwin.getState();
    store.select(view.selection);
    if (view.tour) tourPlayer.follow(view.tour.id, view.tour.step);
    else if (store.tour) tourPlayer.stop();
    // Short glides keep up with a presenter's moving camera; a snap back is a real flight.
    if (view.camera) store.flyTo(view.camera, snap ? 1.2 : 0.45);
  }

  /** Each status says which room the server has us in: a room that closed (presenter left) ends here too. */
  status(s: PlaybackStatus): void {
    if (this.settling > 0) return;
    const room = useTwin.getState().room;
    if (room && s.room === null && this.sender) {
      this.wanted = null;
      this.lastView = null;
      this.lead(null);
      useTwin.getState().setRoom(null);
      useTwin.getState().showToast(i18n.t(room.presenter ? 'room.closed' : 'room.ended'), 'info');
      return;
    }
    if (room && s.room === room.code && !room.presenter && !room.presenterAway !== !s.presenterAway) {
      useTwin.getState().setRoom({ ...room, presenterAway: s.presenterAway });
      if (s.presenterAway) useTwin.getState().showToast(i18n.t('room.presenterAway'), 'info');
    }
  }

  /**
   * Connected (again): a presenter takes its room back (after a drop, or a reload of this tab), a member
   * rejoins; statuses are not read until the server answered.
   */
  connected(): void {
    const room = useTwin.getState().room;
    if (this.led === undefined) this.led = readLed();
    const led = this.led;
    if (led && (room === null || room.presenter)) {
      void this.settle(this.resume(led, room !== null));
      return;
    }
    if (room?.presenter) {
      useTwin.getState().setRoom(null);
      useTwin.getState().showToast(i18n.t('room.lost'), 'info');
    }
    if (this.wanted) void this.settle(this.rejoin(this.wanted));
  }

  /** Back in the room this screen was in (or was sent to by its address); a room gone meanwhile is left. */
  private async rejoin(code: string): Promise<void> {
    const r = await this.join(code);
    if (r.ok) return;
    this.wanted = null;
    if (useTwin.getState().room?.code === code) useTwin.getState().setRoom(null);
  }

  private async settle(request: Promise<unknown>): Promise<void> {
    this.settling++;
    try {
      await request;
    } finally {
      this.settling--;
    }
  }

  private async resume(led: LedRoom, wasLeading: boolean): Promise<void> {
    const r = this.sender ? await this.sender.resume(led.code, led.key) : ({ ok: false, error: i18n.t('room.notConnected') } as const);
    if (r.ok) {
      this.wanted = null;
      useTwin.getState().setRoom({ code: r.code, presenter: true, following: true });
      if (wasLeading) useTwin.getState().showToast(i18n.t('room.resumed'), 'info');
      return;
    }
    this.lead(null);
    // A reload that finds its room gone simply starts outside any room; a lost connection says what happened.
    if (wasLeading) {
      useTwin.getState().setRoom(null);
      useTwin.getState().showToast(i18n.t('room.lost'), 'info');
    }
    // This tab was opened to join a room (`?join=`) after leading one that is gone.
    if (this.wanted) await this.rejoin(this.wanted);
  }

  private lead(led: LedRoom | null): void {
    this.led = led;
    writeLed(led);
  }

  disconnected(): void {
    // A member stays in its room on screen and rejoins after the reconnect; statuses say if it is gone.
  }
}

export const room = new RoomChannel();
