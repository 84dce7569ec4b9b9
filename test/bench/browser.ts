import type { Benchmark } from './harness.ts';
export const browserBench: Benchmark = { name: 'browser', title: 'todo', async run() { return []; } };
