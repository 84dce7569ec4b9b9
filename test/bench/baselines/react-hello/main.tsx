/**
 * Bundle baseline: the smallest React app, built with the app's own Vite config, against which the
 * app shell (everything but the 3D chunk) is compared.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <h1>Hello, React</h1>
  </StrictMode>,
);
