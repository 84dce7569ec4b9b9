/**
 * The app shell: all the page loads up front. It paints the loading screen at once and starts, side by
 * side, what the first frame waits for: the plant's description and the app's code with the 3D chunk (one
 * dynamic import; Vite fetches the chunks it needs in parallel). The app then renders beside the loading
 * screen, which stays (one element; the app gives it words through boot-state.ts) until the first frame.
 * The shell is React and a few small modules; i18next and the dictionaries, socket.io, zustand, three.js and
 * the panels all come with the app (the bundle benchmark holds the shell to ≤ 1.1× a React-only page).
 */
import { StrictMode, useEffect, useMemo, useState, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import { BootScreen } from './boot/BootScreen.tsx';
import { bootFailed, useBootView } from './boot/boot-state.ts';
import { bootText } from './boot/boot-text.ts';
import { startEarly } from './boot/early.ts';
import './boot/boot.css';

startEarly();
const app = import('./app-root.tsx');

function Shell() {
  const [Root, setRoot] = useState<ComponentType | null>(null);
  const boot = useBootView();
  useEffect(() => {
    let current = true;
    app.then(
      (m) => current && setRoot(() => m.AppRoot),
      (e: unknown) => {
        console.error('[linetwin] the app could not be loaded', e);
        bootFailed();
      },
    );
    return () => {
      current = false;
    };
  }, []);
  // One element for the app's whole life: a change of the loading screen must not re-render the app.
  const root = useMemo(() => (Root ? <Root /> : null), [Root]);

  const text = bootText();
  return (
    <>
      {/* Before the app in the page: the app's own screens (an error, an out-of-date page) cover it. */}
      {boot.shown && (
        <BootScreen text={boot.failed ? text.codeFailed : (boot.text ?? text.plant)} detail={boot.detail ?? undefined}>
          {boot.failed && (
            <button type="button" className="btn" onClick={() => window.location.reload()}>
              {text.reload}
            </button>
          )}
        </BootScreen>
      )}
      {root}
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Shell />
  </StrictMode>,
);
