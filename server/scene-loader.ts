/** Finds and loads a scene file, turning every failure into a message a person can act on. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseScene, SceneError, type ResolvedScene } from '../protocol/scene.ts';

export class SceneLoadError extends Error {
  override name = 'SceneLoadError';
}

/** Scene ids available under `scenesDir` (folders holding a scene.json). */
export function listSceneIds(scenesDir: string): string[] {
  if (!existsSync(scenesDir)) return [];
  return readdirSync(scenesDir)
    .filter((d) => existsSync(path.join(scenesDir, d, 'scene.json')))
    .sort();
}

/** `--scene` takes a scene id from scenes/ or a path to a scene file (or a folder holding scene.json). */
export function resolveScenePath(arg: string, scenesDir: string): string {
  const looksLikePath = arg.includes('/') || arg.includes('\\') || arg.endsWith('.json');
  if (!looksLikePath) {
    const file = path.join(scenesDir, arg, 'scene.json');
    if (existsSync(file)) return file;
    const ids = listSceneIds(scenesDir);
    throw new SceneLoadError(`no scene "${arg}" in ${scenesDir}; available: ${ids.length ? ids.join(', ') : '(none)'}; or pass a path to a scene.json file`);
  }
  const file = path.resolve(arg);
  if (!existsSync(file)) throw new SceneLoadError(`scene file not found: ${file}`);
  if (statSync(file).isDirectory()) {
    const inner = path.join(file, 'scene.json');
    if (!existsSync(inner)) throw new SceneLoadError(`${file} is a folder without a scene.json`);
    return inner;
  }
  return file;
}

export function loadSceneFile(file: string): ResolvedScene {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SceneLoadError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SceneLoadError(`${file}: not valid JSON: ${describeJsonError(text, e as Error)}`);
  }
  try {
    return parseScene(json, file);
  } catch (e) {
    if (e instanceof SceneError) throw new SceneLoadError(e.message);
    throw e;
  }
}

/** Adds line and column to V8's "at position N" JSON errors. */
function describeJsonError(text: string, e: Error): string {
  const m = /position (\d+)/.exec(e.message);
  if (!m || /line \d+/.test(e.message)) return e.message;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `${e.message} (line ${line}, column ${col})`;
}
