/**
 * A lost WebGL context: the GPU was reset (a driver crash or update, the GPU process restarting, the browser
 * reclaiming memory after a long day), and every buffer, texture and shader the view had is gone. three.js
 * restores what it can when the browser gives the context back, but not what was drawn into render targets
 * (the hall's prefiltered environment), and a browser may never give it back at all. An unattended screen
 * would then show a frozen or empty plant until someone came by.
 *
 * So the view starts over on a new canvas: as soon as the context is restored, or after RESTORE_WAIT_MS if
 * it is not. The live state lives outside the canvas (typed arrays, the store), and the URL's hash holds the
 * camera, so the new view picks up where the old one was. Where no new context can be had either, the
 * view's error boundary says so calmly and keeps trying.
 */

/** How long a lost context may take to come back before the view starts over without it. */
export const RESTORE_WAIT_MS = 3000;

export type ContextLossReason = 'restored' | 'not-restored';

/** Losses seen by this page (read by the test hook and the `?stats` overlay). */
export const contextLosses = { count: 0, restarts: 0 };

/**
 * Watches the canvas of the renderer the view uses now. `isCurrent` tells a loss of this view from the one a
 * replaced view's renderer goes through on purpose when it is disposed (R3F calls forceContextLoss); `restart`
 * is called at most once. Returns a function that stops watching.
 */
export function watchContextLoss(canvas: Pick<EventTarget, 'addEventListener' | 'removeEventListener'>, isCurrent: () => boolean, restart: (why: ContextLossReason) => void, waitMs = RESTORE_WAIT_MS): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lost = false;
  let done = false;
  const finish = (why: ContextLossReason) => {
    if (done) return;
    done = true;
    stop();
    contextLosses.restarts++;
    restart(why);
  };
  const onLost = () => {
    if (lost || done || !isCurrent()) return;
    lost = true;
    contextLosses.count++;
    console.warn(`[linetwin] the WebGL context was lost; the view starts over when it is restored, or in ${waitMs / 1000} s`);
    timer = setTimeout(() => finish('not-restored'), waitMs);
  };
  const onRestored = () => {
    if (lost && isCurrent()) finish('restored');
  };
  const stop = () => {
    clearTimeout(timer);
    canvas.removeEventListener('webglcontextlost', onLost);
    canvas.removeEventListener('webglcontextrestored', onRestored);
  };
  canvas.addEventListener('webglcontextlost', onLost);
  canvas.addEventListener('webglcontextrestored', onRestored);
  return stop;
}
