import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: '.',
  test: {
    exclude: ['node_modules/**', 'dist/**', 'test/bench/**'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Two cores: browsers and servers in parallel files would starve each other.
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'node', include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      // The browser tests run after the others, one file at a time: two files of software-rendered pages at once
      // leave each other's timing-sensitive checks (scrubbing, idle timeouts, follow-me) without CPU. A page load in
      // software on a busy 2-core machine takes 2 to 15 s, and several tests load a few pages: 60 s each, not 30.
      { extends: true, test: { name: 'browser', include: ['test/e2e/**/*.test.ts'], fileParallelism: false, sequence: { groupOrder: 1 }, testTimeout: 60_000 } },
    ],
  },
});
