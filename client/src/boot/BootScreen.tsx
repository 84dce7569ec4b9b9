/**
 * The loading screen, from the moment React runs until the 3D view has drawn its first frame (what it says:
 * boot-state.ts). Still on purpose (no looping animation or moving progress bar, no blurred
 * shadows): on a software rasteriser every change of the page is composited on the same GPU thread that must
 * create the WebGL context and compile the plant's shaders.
 */
import type { ReactNode } from 'react';

type Props = { text?: string; detail?: string; children?: ReactNode };

export function BootScreen({ text, detail, children }: Props) {
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
        {children}
      </div>
    </div>
  );
}
