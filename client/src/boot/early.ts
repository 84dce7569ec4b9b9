/**
 * What the first frame waits for and can start before the app's code has arrived: the plant's description.
 * The app shell calls startEarly() at once; the app takes the request when it runs.
 */

export const requestScene = (): Promise<Response> => fetch('/api/scene', { cache: 'no-store', signal: AbortSignal.timeout(10_000) });

let sceneRequest: Promise<Response> | null = null;

export function startEarly(): void {
  sceneRequest = requestScene();
  // Whoever takes it handles a failure; until then it must not count as an unhandled rejection.
  sceneRequest.catch(() => {});
}

/** The request started by the shell, once; null afterwards (a retry makes its own). */
export function takeSceneRequest(): Promise<Response> | null {
  const r = sceneRequest;
  sceneRequest = null;
  return r;
}
