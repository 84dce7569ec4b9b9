#!/usr/bin/env node
// Entry point for `npm start` and `npx linetwin`: checks Node, then runs the TypeScript server through tsx.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`linetwin needs Node.js 20.19 or newer; this is ${process.versions.node}.\n`);
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import('../server/main.ts');
