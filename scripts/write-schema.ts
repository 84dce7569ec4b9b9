/**
 * Writes scenes/scene.schema.json, the JSON Schema of the scene format, from the zod schema in
 * protocol/scene-schema.ts (`npm run schema`). Editors use it for completion and checks in scene
 * files that start with `"$schema": "../scene.schema.json"`. test/unit/scene.test.ts fails when the
 * committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sceneJsonSchema } from '../protocol/scene-schema.ts';

export const schemaFile = fileURLToPath(new URL('../scenes/scene.schema.json', import.meta.url));

/** The text of scenes/scene.schema.json: 2-space JSON with a trailing newline. */
export function schemaText(): string {
  return JSON.stringify(sceneJsonSchema(), null, 2) + '\n';
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  writeFileSync(schemaFile, schemaText());
  console.log(`wrote ${path.relative(process.cwd(), schemaFile)}`);
}
