/** npm run recording:demo — (re)makes scenes/<scene>/recordings/demo-shift.jsonl.gz. */
import path from 'node:path';
import { rmSync } from 'node:fs';
import { loadSceneFile } from '../server/scene-loader.ts';
import { ensureDemoRecording, recordingsDir, DEMO_RECORDING } from '../server/recording/demo-recording.ts';

const root = path.resolve(import.meta.dirname, '..');
const scenesDir = path.join(root, 'scenes');
const sceneId = process.argv[2] ?? 'demo-plant';
const scene = loadSceneFile(path.join(scenesDir, sceneId, 'scene.json'));
rmSync(path.join(recordingsDir(scenesDir, sceneId), `${DEMO_RECORDING}.jsonl.gz`), { force: true });
const started = Date.now();
const file = await ensureDemoRecording(scene, scenesDir, (m) => console.log(m));
console.log(`Wrote ${path.relative(root, file)} in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
