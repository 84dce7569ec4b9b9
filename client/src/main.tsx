import { Profiler, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n/i18n.ts';
import { App } from './App.tsx';
import { countCommit, installTestHook } from './test-hook.ts';
import './ui/app.css';

installTestHook();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Profiler id="linetwin" onRender={countCommit}>
      <App />
    </Profiler>
  </StrictMode>,
);
