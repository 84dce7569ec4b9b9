/**
 * What the first frame waits for and can start before the app's code has arrived: the plant's description and
 * the live connection (its handshake and first snapshot). The app shell calls startEarly() at once; the app
 * takes the request and the socket when it runs.
 */

export const requestScene = (): Promise<Response> => fetch('/api/scene', { cache: 'no-store', signal: AbortSignal.timeout(10_000) });

let sceneRequest: Promise<Response> | null = null;

export function startEarly(): void {
  sceneRequest = requestScene();
  // Whoever takes it handles a failure; until then it must not count as an unhandled rejection.
  sceneRequest.catch(() => {});
  // Socket.IO is a chunk of its own, far smaller than the app's: the socket is open and its snapshot in while
  // three.js and the app are still being evaluated. If it cannot load, the app opens the connection itself.
  import('../net/socket.ts').then(
    (m) => m.openEarlySocket(),
    () => undefined,
  );
}

/** The request started by the shell, once; null afterwards (a retry makes its own). */
export function takeSceneRequest(): Promise<Response> | null {
  const r = sceneRequest;
  sceneRequest = null;
  return r;
}
