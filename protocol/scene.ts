/**
 * Parsing a scene: schema validation, then checks across entities (references, flow), with every
 * problem reported as file + JSON path + what was expected.
 */
import { sceneSchema, type Scene } from './scene-schema.ts';

export type SceneIssue = { path: string; message: string };

export class SceneError extends Error {
  constructor(
    readonly file: string,
    readonly issues: SceneIssue[],
  ) {
    super(`${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n` + formatIssues(file, issues));
    this.name = 'SceneError';
  }
}

export function formatIssues(file: string, issues: SceneIssue[]): string {
  return issues.map((i) => `  ${file}: ${i.path}: ${i.message}`).join('\n');
}

/** JSON path in the `$.stations[3].cycleTime` form. */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '$';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(String(p)) ? `.${String(p)}` : `[${JSON.stringify(String(p))}]`;
  return out;
}

/** A scene with the flow resolved: every station's `next` is a station id or null. */
export type ResolvedScene = Scene & { stations: Array<Scene['stations'][number] & { next: string | null }> };

/**
 * Validate parsed JSON as a scene. Throws SceneError listing every problem.
 * `file` is only used in messages.
 */
export function parseScene(json: unknown, file = 'scene.json'): ResolvedScene {
  const result = sceneSchema.safeParse(json);
  if (!result.success) {
    throw new SceneError(
      file,
      result.error.issues.map((i) => ({ path: jsonPath(i.path), message: i.message })),
    );
  }
  const scene = result.data;
  const issues: SceneIssue[] = [];
  const unique = (list: { id: string }[], key: string) => {
    const seen = new Map<string, number>();
    list.forEach((e, i) => {
      const first = seen.get(e.id);
      if (first !== undefined) issues.push({ path: `$.${key}[${i}].id`, message: `duplicate id "${e.id}" (first used at $.${key}[${first}])` });
      else seen.set(e.id, i);
    });
    return seen;
  };
  const areas = unique(scene.areas, 'areas');
  const stations = unique(scene.stations, 'stations');
  unique(scene.robots, 'robots');
  unique(scene.conveyors, 'conveyors');
  unique(scene.cameras, 'cameras');

  const ref = (map: Map<string, number>, value: string, path: string, what: string) => {
    if (!map.has(value)) issues.push({ path, message: `expected the id of ${what}, got "${value}"` });
  };

  const resolved = scene.stations.map((s, i) => {
    ref(areas, s.area, `$.stations[${i}].area`, 'an area');
    let next: string | null;
    if (s.next === undefined) next = scene.stations[i + 1]?.id ?? null;
    else next = s.next;
    if (next !== null) {
      ref(stations, next, `$.stations[${i}].next`, 'a station');
      if (next === s.id) issues.push({ path: `$.stations[${i}].next`, message: 'a station cannot feed itself' });
    }
    if ((s.mtbf === undefined) !== (s.mttr === undefined))
      issues.push({ path: `$.stations[${i}]`, message: 'expected mtbf and mttr together (both or neither)' });
    return { ...s, next };
  });

  // One upstream per station: merges are not modelled. (A self-feed is reported once, above.)
  const upstream = new Map<string, string>();
  resolved.forEach((s, i) => {
    if (s.next === null || s.next === s.id) return;
    const other = upstream.get(s.next);
    if (other !== undefined)
      issues.push({ path: `$.stations[${i}].next`, message: `station "${s.next}" is already fed by "${other}"; a station has at most one upstream station` });
    else upstream.set(s.next, s.id);
  });
  // No cycles: follow next from every station; report the station whose `next` closes the loop.
  for (const start of resolved) {
    if (start.next === start.id) continue;
    const seen = new Set<string>();
    let prev: string | null = null;
    let cur: string | null = start.id;
    while (cur !== null && !seen.has(cur)) {
      seen.add(cur);
      const next: string | null = resolved[stations.get(cur) ?? -1]?.next ?? null;
      if (next === cur) break;
      prev = cur;
      cur = next;
    }
    if (cur === start.id && prev !== null) {
      issues.push({ path: `$.stations[${stations.get(prev)}].next`, message: `"${prev}" feeds "${start.id}", which is upstream of it: the flow loops; a line must end` });
      break;
    }
  }

  scene.robots.forEach((r, i) => {
    ref(stations, r.station, `$.robots[${i}].station`, 'a station');
    r.jointLimits.forEach(([lo, hi], j) => {
      if (lo >= hi) issues.push({ path: `$.robots[${i}].jointLimits[${j}]`, message: `expected min < max, got [${lo}, ${hi}]` });
      const h = r.home[j];
      if (h < lo || h > hi) issues.push({ path: `$.robots[${i}].home[${j}]`, message: `expected a value within the joint limits [${lo}, ${hi}], got ${h}` });
    });
  });
  scene.conveyors.forEach((c, i) => {
    ref(stations, c.from, `$.conveyors[${i}].from`, 'a station');
    ref(stations, c.to, `$.conveyors[${i}].to`, 'a station');
    const from = resolved[stations.get(c.from) ?? -1];
    if (from && from.next !== c.to)
      issues.push({ path: `$.conveyors[${i}].to`, message: `expected "${from.next}", the station downstream of "${c.from}", got "${c.to}"` });
  });
  unique(scene.tours, 'tours');
  const robots = new Map(scene.robots.map((r, i) => [r.id, i]));
  const targets = { station: stations, robot: robots, area: areas } as const;
  scene.tours.forEach((tour, t) => {
    tour.steps.forEach((step, s) => {
      const at = `$.tours[${t}].steps[${s}]`;
      if (step.frame) ref(targets[step.frame.kind], step.frame.id, `${at}.frame.id`, `a${step.frame.kind === 'area' ? 'n' : ''} ${step.frame.kind}`);
      step.highlight.forEach((h, k) => ref(targets[h.kind], h.id, `${at}.highlight[${k}].id`, `a${h.kind === 'area' ? 'n' : ''} ${h.kind}`));
      const clip = step.replay;
      if (clip) {
        if (typeof clip.from !== typeof clip.to)
          issues.push({ path: `${at}.replay`, message: 'expected `from` and `to` of the same form (both seconds or both timestamps)' });
        else if ((typeof clip.from === 'number' ? clip.from : Date.parse(clip.from)) >= (typeof clip.to === 'number' ? clip.to : Date.parse(clip.to as string)))
          issues.push({ path: `${at}.replay.to`, message: 'expected `to` after `from`' });
      }
    });
  });
  if (issues.length > 0) throw new SceneError(file, issues);
  return { ...scene, stations: resolved };
}
