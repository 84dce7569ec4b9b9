/**
 * The loading screen: shown by the app shell the moment React runs, then by the app while the plant's
 * description loads and until the 3D view has drawn its first frame. Static on purpose (a progress bar
 * that moves by steps, no looping animation): on a software rasteriser every animated frame of the page is
 * composited on the same GPU thread that must create the WebGL context and compile the plant's shaders.
 */
import type { ReactNode } from 'react';

/** Steps of a page load: shell running, plant description in, app code in, first frame drawn. */
export const BOOT_STEPS = 4;

type Props = { text?: string; detail?: string; progress?: number; children?: ReactNode };

export function BootScreen({ text, detail, progress, children }: Props) {
  return (
    <div className="screen" role="status" aria-live="polite" data-testid="boot-screen">
      <div className="screen-card">
        <div className="screen-logo" aria-hidden="true">
          <span />
          <span />
          <span />
        </div>
        <h1>linetwin</h1>
        {text && <p>{text}</p>}
        {detail && <p className="muted">{detail}</p>}
        {progress !== undefined && (
          <div className="boot-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)}>
            <span style={{ width: `${Math.round(progress * 100)}%` }} />
          </div>
        )}
        {children}
      </div>
    </div>
  );
}
