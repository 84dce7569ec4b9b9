/**
 * The MQTT topic layout: `<prefix>/<pattern>` where each pattern holds one `{id}` level. Defaults:
 * plant/stations/{id}/state, plant/robots/{id}/joints, plant/bodies/{id}/location,
 * plant/bodies/{id}/remove. The scene's `sources.mqtt` block may change the prefix and the patterns.
 */
import type { ResolvedScene } from '../../../protocol/scene.ts';

export const topicKinds = ['station', 'robot', 'body', 'bodyRemove'] as const;
export type TopicKind = (typeof topicKinds)[number];

export const DEFAULT_PREFIX = 'plant';
export const defaultPatterns: Record<TopicKind, string> = {
  station: 'stations/{id}/state',
  robot: 'robots/{id}/joints',
  body: 'bodies/{id}/location',
  bodyRemove: 'bodies/{id}/remove',
};

type Compiled = { kind: TopicKind; levels: string[]; idLevel: number };

export type TopicLayout = {
  prefix: string;
  patterns: Record<TopicKind, string>;
  /** What the source subscribes to. */
  subscriptions: string[];
  /** The kind and id a topic stands for, or null when it is not part of the layout. */
  match(topic: string): { kind: TopicKind; id: string } | null;
  /** The topic for an entity, e.g. for publishers and docs. */
  topic(kind: TopicKind, id: string): string;
};

const PREFIX_RE = /^[^/+#]+(?:\/[^/+#]+)*$/;

export function checkPrefix(prefix: string): void {
  if (!PREFIX_RE.test(prefix))
    throw new Error(`expected an MQTT topic prefix such as "plant" or "site1/line3" (no "+", "#", empty levels or leading/trailing "/"), got "${prefix}"`);
}

export function createTopicLayout(prefix: string, patterns: Partial<Record<TopicKind, string>> = {}): TopicLayout {
  checkPrefix(prefix);
  const all = { ...defaultPatterns, ...Object.fromEntries(Object.entries(patterns).filter(([, v]) => v !== undefined)) } as Record<TopicKind, string>;
  const prefixLevels = prefix.split('/');
  const compiled: Compiled[] = topicKinds.map((kind) => {
    const levels = all[kind].split('/');
    const ids = levels.filter((l) => l === '{id}').length;
    if (ids !== 1 || levels.some((l) => l === '' || /[+#]/.test(l) || (l !== '{id}' && /[{}]/.test(l))))
      throw new Error(`topic pattern for ${kind} must hold exactly one whole level "{id}", no "+", "#" or empty levels, got "${all[kind]}"`);
    const full = [...prefixLevels, ...levels];
    return { kind, levels: full, idLevel: full.indexOf('{id}') };
  });
  const seen = new Map<string, TopicKind>();
  for (const c of compiled) {
    const shape = c.levels.join('/');
    const other = seen.get(shape);
    if (other) throw new Error(`topic patterns for ${other} and ${c.kind} are the same ("${shape}")`);
    seen.set(shape, c.kind);
  }

  return {
    prefix,
    patterns: all,
    subscriptions: [`${prefix}/#`],
    match(topic) {
      const levels = topic.split('/');
      for (const c of compiled) {
        if (levels.length !== c.levels.length) continue;
        let ok = true;
        for (let i = 0; i < levels.length && ok; i++) ok = i === c.idLevel || levels[i] === c.levels[i];
        if (ok) return { kind: c.kind, id: levels[c.idLevel] };
      }
      return null;
    },
    topic(kind, id) {
      return `${prefix}/${all[kind].replace('{id}', id)}`;
    },
  };
}

/** The layout for a scene, with an optional prefix that overrides the scene's. */
export function sceneTopicLayout(scene: ResolvedScene, prefixOverride?: string): TopicLayout {
  const cfg = scene.sources?.mqtt;
  return createTopicLayout(prefixOverride ?? cfg?.prefix ?? DEFAULT_PREFIX, cfg?.topics ?? {});
}
