/**
 * What the first frame waits for and can start before the app's code has arrived: the plant's description and
 * the current state (one snapshot frame over HTTP). The app shell calls startEarly() at once; the app takes the
 * request and the state when it runs.
 *
 * The state comes over HTTP, beside the scene: a request the shell sends in its first task is answered while
 * three.js and the app are still arriving and being evaluated, in one round trip. The live socket is opened by
 * the app once the plant is drawn, resuming from this state (the hub then sends only what changed since), so
 * its handshake (three round trips, and work on both sides) does not compete with the page's start on a small
 * machine. Only when the state cannot be fetched does the shell open the socket itself, early, for its snapshot.
 */
import { STATE_HEADERS } from '../../../protocol/events.ts';

export const requestScene = (): Promise<Response> => fetch('/api/scene', { cache: 'no-store', signal: AbortSignal.timeout(10_000) });

/** The hub's state when the page asked: a snapshot frame, and what the socket resumes from. */
export type EarlyState = { epoch: string; revision: number; sceneId: string; frame: ArrayBuffer };

/** A state slower than this is not waited for: the socket is opened instead. */
const STATE_TIMEOUT_MS = 3000;

let sceneRequest: Promise<Response> | null = null;
let earlyState: EarlyState | null = null;
/** The app has looked for the state: one that arrives after that is not wanted (the socket brings the state). */
let stateAsked = false;

export function startEarly(): void {
  sceneRequest = requestScene();
  // Whoever takes it handles a failure; until then it must not count as an unhandled rejection.
  sceneRequest.catch(() => {});
  void fetchState().then((fetched) => {
    if (fetched) return;
    // No state over HTTP: the socket's snapshot is the first state, so the socket opens now. Socket.IO is a chunk
    // of its own, far smaller than the app's: its handshake and snapshot arrive while three.js and the app are
    // still being evaluated. If it cannot load, the app opens the connection itself.
    import('../net/socket.ts').then(
      (m) => m.openEarlySocket(),
      () => undefined,
    );
  });
}

/**
 * GET /api/state/frame; true when the state is here for the app. Any failure leaves the state to the socket:
 * nothing to report (an older server without the route, or the server away).
 */
async function fetchState(): Promise<boolean> {
  try {
    const res = await fetch('/api/state/frame', { cache: 'no-store', signal: AbortSignal.timeout(STATE_TIMEOUT_MS) });
    const epoch = res.headers.get(STATE_HEADERS.epoch);
    const revision = Number(res.headers.get(STATE_HEADERS.revision) ?? NaN);
    const sceneId = res.headers.get(STATE_HEADERS.scene);
    if (!res.ok || !epoch || !sceneId || !Number.isInteger(revision) || revision < 0) return false;
    const frame = await res.arrayBuffer();
    if (stateAsked) return false;
    earlyState = { epoch, revision, sceneId, frame };
    return true;
  } catch {
    return false;
  }
}

/** The request started by the shell, once; null afterwards (a retry makes its own). */
export function takeSceneRequest(): Promise<Response> | null {
  const r = sceneRequest;
  sceneRequest = null;
  return r;
}

/**
 * The fetched state if it has arrived by now, once; null otherwise (then the socket's snapshot is the first, and a
 * state that arrives later is dropped).
 */
export function takeEarlyState(): EarlyState | null {
  stateAsked = true;
  const s = earlyState;
  earlyState = null;
  return s;
}
