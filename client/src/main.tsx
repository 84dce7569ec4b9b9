/**
 * The app shell: all the page loads up front. It paints the loading screen at once and starts, side by
 * side, what the first frame waits for: the plant's description, the GPU probe, and the app's code with the
 * 3D chunk (one dynamic import; Vite fetches the chunks it needs in parallel). Then the app takes over this
 * React root. The shell is React and a few small modules; i18next and the dictionaries, socket.io, zustand,
 * three.js and the panels all come with the app (the bundle benchmark holds it to ≤ 1.1× a React-only page).
 */
import { StrictMode, useEffect, useState, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import { BOOT_STEPS, BootScreen } from './boot/BootScreen.tsx';
import { bootText } from './boot/boot-text.ts';
import { sceneRequestSettled, startEarly } from './boot/early.ts';
import './boot/boot.css';

startEarly();
const app = import('./app-root.tsx');

function Shell() {
  const [Root, setRoot] = useState<ComponentType | null>(null);
  const [failed, setFailed] = useState(false);
  const [sceneIn, setSceneIn] = useState(false);
  useEffect(() => {
    let current = true;
    app.then(
      (m) => current && setRoot(() => m.AppRoot),
      (e: unknown) => {
        console.error('[linetwin] the app could not be loaded', e);
        if (current) setFailed(true);
      },
    );
    void sceneRequestSettled().then(() => current && setSceneIn(true));
    return () => {
      current = false;
    };
  }, []);

  if (Root) return <Root />;
  const text = bootText();
  if (failed)
    return (
      <BootScreen text={text.codeFailed}>
        <button type="button" className="btn" onClick={() => window.location.reload()}>
          {text.reload}
        </button>
      </BootScreen>
    );
  return <BootScreen text={text.plant} progress={(sceneIn ? 2 : 1) / BOOT_STEPS} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Shell />
  </StrictMode>,
);
