/**
 * Command-line options for live plant data, in the shape of server/main.ts's option table
 * ({ type, arg?, default?, help }: spread it into that table), and the
 * function that turns parsed values into sources. Without --mqtt there are no live sources and the
 * server runs the simulator as before.
 */
import { accessSync, constants } from 'node:fs';
import type { ResolvedScene } from '../../protocol/scene.ts';
import type { Source } from './source.ts';
import { parseBrokerUrl, type BrokerOptions } from './mqtt/broker-client.ts';
import type { LiveLog } from './mqtt/source-stats.ts';
import { checkPrefix } from './mqtt/topics.ts';
import { createMqttSource } from './mqtt/index.ts';
import { createSparkplugSource } from './sparkplug/index.ts';

export const PASSWORD_ENV = 'LINETWIN_MQTT_PASSWORD';

export const liveSourceOptions = {
  mqtt: { type: 'string', arg: 'URL', help: 'read live plant data from this MQTT broker instead of simulating: mqtt://host:1883, mqtts://, ws:// or wss://' },
  'mqtt-username': { type: 'string', arg: 'USER', help: 'broker user name' },
  'mqtt-password': { type: 'string', arg: 'PASSWORD', help: `broker password; prefer env ${PASSWORD_ENV} (a command line is visible to other users)` },
  'mqtt-ca': { type: 'string', arg: 'FILE', help: 'PEM file of the CA that signed the broker certificate (mqtts:// or wss://)' },
  'mqtt-cert': { type: 'string', arg: 'FILE', help: 'PEM file of a client certificate, with --mqtt-key' },
  'mqtt-key': { type: 'string', arg: 'FILE', help: 'PEM file of the client certificate key' },
  'mqtt-prefix': { type: 'string', arg: 'PREFIX', help: 'first topic levels of the JSON topics (default: the scene\'s sources.mqtt.prefix, else "plant")' },
  'mqtt-client-id': { type: 'string', arg: 'ID', help: 'MQTT client id (default linetwin-<source>-<random>)' },
  sparkplug: { type: 'boolean', default: false, help: 'also act as a read-only Sparkplug B host on the --mqtt broker' },
  'sparkplug-group': { type: 'string', arg: 'GROUP', help: 'Sparkplug group id to follow (default: the scene\'s sources.sparkplug.groupId, else every group)' },
  'stale-after': { type: 'string', arg: 'SECONDS', default: '10', help: 'seconds without a message before an MQTT entity is shown stale' },
  'max-payload': { type: 'string', arg: 'BYTES', default: '262144', help: 'largest accepted message, bytes; larger ones are rejected unread' },
} as const;

export type LiveOptionValues = Partial<Record<keyof typeof liveSourceOptions, string | boolean | undefined>> & Record<string, unknown>;

/** Largest MQTT packet (the protocol's limit). */
const MAX_MQTT_PACKET = 268_435_455;

function str(values: LiveOptionValues, name: keyof typeof liveSourceOptions): string | undefined {
  const v = values[name];
  if (v === undefined || v === false) return undefined;
  if (typeof v !== 'string') throw new Error(`--${name} expects a value`);
  return v;
}

function readable(name: string, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    accessSync(file, constants.R_OK);
  } catch (e) {
    throw new Error(`--${name}: cannot read "${file}" (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return file;
}

function numberOption(name: string, raw: string, min: number, max: number, integer: boolean, what: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max)
    throw new Error(`--${name} expects ${what} from ${min} to ${max}, got "${raw}"`);
  return n;
}

/**
 * The live sources the options ask for: none without --mqtt; the MQTT JSON source with it; plus the
 * Sparkplug B host with --sparkplug. Throws an Error naming the option when a value is invalid.
 * `env` is injectable for tests.
 */
export function createLiveSources(values: LiveOptionValues, scene: ResolvedScene, log: LiveLog, env: NodeJS.ProcessEnv = process.env): Source[] {
  const url = str(values, 'mqtt');
  if (url === undefined) {
    const needsBroker = (['mqtt-username', 'mqtt-password', 'mqtt-ca', 'mqtt-cert', 'mqtt-key', 'mqtt-prefix', 'mqtt-client-id', 'sparkplug', 'sparkplug-group'] as const).find(
      (k) => values[k] !== undefined && values[k] !== false,
    );
    if (needsBroker) throw new Error(`--${needsBroker} needs --mqtt URL (the broker to read from)`);
    return [];
  }
  let parsed: URL;
  try {
    parsed = parseBrokerUrl(url);
  } catch (e) {
    throw new Error(`--mqtt ${(e as Error).message}`);
  }
  const tls = parsed.protocol === 'mqtts:' || parsed.protocol === 'wss:';
  const caFile = readable('mqtt-ca', str(values, 'mqtt-ca'));
  const certFile = readable('mqtt-cert', str(values, 'mqtt-cert'));
  const keyFile = readable('mqtt-key', str(values, 'mqtt-key'));
  for (const [name, file] of [['mqtt-ca', caFile], ['mqtt-cert', certFile], ['mqtt-key', keyFile]] as const)
    if (file !== undefined && !tls) throw new Error(`--${name} needs a TLS broker URL (mqtts:// or wss://), got "${url}"`);
  if ((certFile === undefined) !== (keyFile === undefined)) throw new Error(`--${certFile === undefined ? 'mqtt-key' : 'mqtt-cert'} needs --${certFile === undefined ? 'mqtt-cert' : 'mqtt-key'} too (a client certificate and its key go together)`);

  const username = str(values, 'mqtt-username') ?? (parsed.username ? decodeURIComponent(parsed.username) : undefined);
  const password = str(values, 'mqtt-password') ?? env[PASSWORD_ENV] ?? (parsed.password ? decodeURIComponent(parsed.password) : undefined);
  if (password !== undefined && username === undefined) throw new Error(`--mqtt-password (or ${PASSWORD_ENV}) needs --mqtt-username`);

  const prefix = str(values, 'mqtt-prefix');
  if (prefix !== undefined) {
    try {
      checkPrefix(prefix);
    } catch (e) {
      throw new Error(`--mqtt-prefix ${(e as Error).message}`);
    }
  }
  const clientId = str(values, 'mqtt-client-id');
  if (clientId !== undefined && (clientId.length === 0 || clientId.length > 128)) throw new Error(`--mqtt-client-id expects 1 to 128 characters, got ${clientId.length}`);
  const staleAfterS = numberOption('stale-after', str(values, 'stale-after') ?? liveSourceOptions['stale-after'].default, 0.1, 86_400, false, 'a number of seconds');
  const maxPayload = numberOption('max-payload', str(values, 'max-payload') ?? liveSourceOptions['max-payload'].default, 64, MAX_MQTT_PACKET, true, 'a whole number of bytes');
  const group = str(values, 'sparkplug-group');
  if (group !== undefined && !values.sparkplug) throw new Error('--sparkplug-group needs --sparkplug');
  if (group !== undefined && !/^[^/+#]+$/.test(group)) throw new Error(`--sparkplug-group expects a Sparkplug group id (no "/", "+" or "#"), got "${group}"`);

  const broker = (name: string): BrokerOptions => ({
    url,
    username,
    password,
    caFile,
    certFile,
    keyFile,
    // Two connections cannot share one client id: the broker would drop one for the other.
    clientId: clientId === undefined ? undefined : `${clientId}${name}`,
  });
  const sources: Source[] = [createMqttSource(scene, { ...broker(''), prefix, staleAfterMs: staleAfterS * 1000, maxPayloadBytes: maxPayload, log })];
  if (values.sparkplug) {
    try {
      sources.push(createSparkplugSource(scene, { ...broker('-sparkplug'), groupId: group, maxPayloadBytes: maxPayload, log }));
    } catch (e) {
      throw new Error(`scene ${scene.id}: ${(e as Error).message}`);
    }
  }
  return sources;
}
