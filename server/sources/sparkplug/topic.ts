/**
 * Sparkplug B topic names: spBv1.0/<group>/<message type>/<edge node>[/<device>].
 */
export const NAMESPACE = 'spBv1.0';

export const nodeMessageTypes = ['NBIRTH', 'NDEATH', 'NDATA', 'NCMD'] as const;
export const deviceMessageTypes = ['DBIRTH', 'DDEATH', 'DDATA', 'DCMD'] as const;
export type SparkplugMessageType = (typeof nodeMessageTypes)[number] | (typeof deviceMessageTypes)[number];

export type SparkplugTopic =
  | { kind: 'message'; group: string; type: SparkplugMessageType; edgeNode: string; device: string | null }
  /** Host application STATE, published by primary hosts (SCADA); nothing for a read-only observer. */
  | { kind: 'state' };

/** The parts of a Sparkplug topic, or null when it is not one. */
export function parseSparkplugTopic(topic: string): SparkplugTopic | null {
  const levels = topic.split('/');
  if (levels[0] !== NAMESPACE || levels.length < 3) return null;
  if (levels[1] === 'STATE') return levels.length === 3 ? { kind: 'state' } : null;
  const [, group, type, edgeNode, device] = levels;
  if (!group || !edgeNode) return null;
  if ((nodeMessageTypes as readonly string[]).includes(type) && levels.length === 4)
    return { kind: 'message', group, type: type as SparkplugMessageType, edgeNode, device: null };
  if ((deviceMessageTypes as readonly string[]).includes(type) && levels.length === 5 && device)
    return { kind: 'message', group, type: type as SparkplugMessageType, edgeNode, device };
  return null;
}

/** What a host subscribes to: one group, or every group with "+". */
export function sparkplugSubscription(group: string): string {
  return `${NAMESPACE}/${group}/#`;
}
