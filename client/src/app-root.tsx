/**
 * The app, as the shell (main.tsx) loads it: dictionaries, styles, the test hook, and the React tree with
 * the commit counter around it (the shell's own commits before it are not counted).
 */
import { Profiler } from 'react';
import './i18n/i18n.ts';
import { App } from './App.tsx';
import { countCommit, installTestHook } from './test-hook.ts';
import './ui/app.css';

installTestHook();

export function AppRoot() {
  return (
    <Profiler id="linetwin" onRender={countCommit}>
      <App />
    </Profiler>
  );
}
