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

/**
 * Adds line and column to a JSON syntax error. V8 does not always say where; the shortest prefix
 * that fails with something other than "unexpected end" ends at the offending character.
 */
export function describeJsonError(text: string, e: Error): string {
  // A prefix is fine so far when parsing fails only because it ends (at its end, not before).
  const endOfInput = (t: string) => {
    try {
      JSON.parse(t);
      return true;
    } catch (err) {
      const msg = (err as Error).message;
      if (/end of (JSON )?input/i.test(msg)) return true;
      const at = /position (\d+)/.exec(msg);
      return at !== null && Number(at[1]) >= t.length;
    }
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (endOfInput(text.slice(0, mid + 1))) lo = mid + 1;
    else hi = mid;
  }
  const pos = Math.min(lo, text.length - 1);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  const near = text.slice(pos, pos + 20).split('\n')[0];
  const what = e.message.split('\n')[0].replace(/,\s*(\.\.\.)?".*$/s, '').replace(/( in JSON)? at position \d+.*$/, '');
  return `${what} at line ${line}, column ${col}${near ? ` (near "${near}")` : ''}`;
}
