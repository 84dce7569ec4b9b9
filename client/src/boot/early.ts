/**
 * What the first frame waits for and can start before the app's code has arrived: the plant's description, the
 * current state (one snapshot frame over HTTP) and the live connection. The app shell calls startEarly() at once;
 * the app takes the request, the state and the socket when it runs.
 *
 * The state comes over HTTP, beside the scene, because a request the shell sends in its first task is answered
 * while three.js and the app are still being evaluated, in one round trip. The socket's handshake takes three
 * (upgrade, open, connect), each waiting for a moment the page's main thread is free; when it lands behind the
 * creation of the WebGL context, the first frame would wait for it. The socket resumes from the fetched state.
 */
import { STATE_HEADERS } from '../../../protocol/events.ts';

export const requestScene = (): Promise<Response> => fetch('/api/scene', { cache: 'no-store', signal: AbortSignal.timeout(10_000) });

/** The hub's state when the page asked: a snapshot frame, and what the socket resumes from. */
export type EarlyState = { epoch: string; revision: number; sceneId: string; frame: ArrayBuffer };

let sceneRequest: Promise<Response> | null = null;
let earlyState: EarlyState | null = null;
/** The app has looked for the state: one that arrives after that is not wanted (the socket brings the state). */
let stateAsked = false;

export function startEarly(): void {
  sceneRequest = requestScene();
  // Whoever takes it handles a failure; until then it must not count as an unhandled rejection.
  sceneRequest.catch(() => {});
  void fetchState();
  // Socket.IO is a chunk of its own, far smaller than the app's: the socket is open and its snapshot in while
  // three.js and the app are still being evaluated. If it cannot load, the app opens the connection itself.
  import('../net/socket.ts').then(
    (m) => m.openEarlySocket(undefined, peekEarlyState),
    () => undefined,
  );
}

/** GET /api/state/frame. Any failure leaves the state to the socket: nothing to report. */
async function fetchState(): Promise<void> {
  try {
    const res = await fetch('/api/state/frame', { cache: 'no-store', signal: AbortSignal.timeout(10_000) });
    const epoch = res.headers.get(STATE_HEADERS.epoch);
    const revision = Number(res.headers.get(STATE_HEADERS.revision) ?? NaN);
    const sceneId = res.headers.get(STATE_HEADERS.scene);
    if (!res.ok || !epoch || !sceneId || !Number.isInteger(revision) || revision < 0) return;
    const frame = await res.arrayBuffer();
    if (!stateAsked) earlyState = { epoch, revision, sceneId, frame };
  } catch {
    // An older server without the route, or the server away: the socket's own snapshot follows.
  }
}

/** The request started by the shell, once; null afterwards (a retry makes its own). */
export function takeSceneRequest(): Promise<Response> | null {
  const r = sceneRequest;
  sceneRequest = null;
  return r;
}

/** The fetched state, if it has arrived (the early socket's handshake asks to resume from it). */
export function peekEarlyState(): EarlyState | null {
  return earlyState;
}

/** The fetched state if it has arrived by now, once; null otherwise (then the socket's snapshot is the first). */
export function takeEarlyState(): EarlyState | null {
  stateAsked = true;
  const s = earlyState;
  earlyState = null;
  return s;
}
