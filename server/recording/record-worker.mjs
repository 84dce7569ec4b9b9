// The recording thread's entry: the server runs its TypeScript through tsx, and a worker thread starts
// without the parent's loader hooks, so it registers tsx itself before loading the real code.
import { register } from 'tsx/esm/api';

register();
await import('./record-worker.ts');
