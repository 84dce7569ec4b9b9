/**
 * `npm run check-scene -- [--scene ID|PATH] [--root DIR]`: validates a scene and the glTF models it
 * points at (server/check-models.ts), printing every problem with the file and the reason.
 * Exit status: 0 when the scene and its models are usable (warnings are printed), 2 otherwise.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { modelReferences } from '../protocol/model-rules.ts';
import { checkSceneModels, type ModelIssue } from '../server/check-models.ts';
import { loadSceneFile, resolveScenePath, SceneLoadError } from '../server/scene-loader.ts';

export async function checkScene(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { scene: { type: 'string', default: 'demo-plant' }, root: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (e) {
    err(`check-scene: ${(e as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    out('usage: npm run check-scene -- [--scene ID|PATH] [--root DIR]\n  checks the scene file and the glTF models it points at (model3d, bodyModels)\n');
    return 0;
  }
  const root = path.resolve(values.root ?? path.join(import.meta.dirname, '..'));
  let file: string;
  let scene;
  try {
    file = resolveScenePath(values.scene!, path.join(root, 'scenes'));
    scene = loadSceneFile(file);
  } catch (e) {
    if (!(e instanceof SceneLoadError)) throw e;
    err(`check-scene: invalid scene\n${e.message}\n`);
    return 2;
  }
  const refs = modelReferences(scene);
  const issues = await checkSceneModels(scene, root);
  const errors = issues.filter((i) => i.severity === 'error');
  const fromCwd = path.relative(process.cwd(), file);
  const rel = fromCwd && !fromCwd.startsWith('..') ? fromCwd : file;
  if (issues.length === 0) {
    out(
      refs.length === 0
        ? `${rel}: valid scene "${scene.id}"; it uses the built-in models only\n`
        : `${rel}: valid scene "${scene.id}"; its ${refs.length} model reference${refs.length === 1 ? '' : 's'} (${new Set(refs.map((r) => r.file)).size} file${new Set(refs.map((r) => r.file)).size === 1 ? '' : 's'}) are fine\n`,
    );
    return 0;
  }
  const line = (i: ModelIssue) => `  ${i.severity === 'error' ? 'error  ' : 'warning'} ${i.file} ${i.message} (${i.where})\n`;
  const warnings = issues.length - errors.length;
  const summary = [errors.length ? `${errors.length} error${errors.length === 1 ? '' : 's'}` : '', warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
  (errors.length ? err : out)(`${rel}: ${summary} in its 3D models${errors.length ? ' (the browser draws the built-in model instead of each file in error)' : ''}\n${issues.map(line).join('')}`);
  return errors.length ? 2 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await checkScene(
    process.argv.slice(2),
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
  );
}
