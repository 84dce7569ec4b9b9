/**
 * A subscribe-only broker connection shared by the MQTT and Sparkplug sources: URL and TLS checks,
 * reconnection with a growing delay, and connection state reporting. It never publishes and sets no
 * will message: the twin is a read-only observer of the plant's broker.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { SourceHealth } from '../source.ts';
import type { LiveLog } from './source-stats.ts';

export type BrokerOptions = {
  /** mqtt://, mqtts://, ws:// or wss:// URL of the broker. */
  url: string;
  username?: string;
  password?: string;
  /** PEM files for TLS: the CA that signed the broker's certificate, and a client certificate and key. */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  clientId?: string;
  /** First reconnect delay, ms (default 1000); it doubles per failed attempt up to maxReconnectMs. */
  minReconnectMs?: number;
  /** Reconnect delay cap, ms (default 30000). */
  maxReconnectMs?: number;
  /** MQTT keepalive, seconds (default 10): how soon a silently dead connection is noticed. */
  keepaliveS?: number;
};

export const brokerProtocols = ['mqtt:', 'mqtts:', 'ws:', 'wss:'] as const;

/** Parses and checks a broker URL; the error message says what is wrong. */
export function parseBrokerUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`expected a broker URL such as mqtt://127.0.0.1:1883, got "${url}"`);
  }
  if (!(brokerProtocols as readonly string[]).includes(u.protocol))
    throw new Error(`expected a broker URL starting with mqtt://, mqtts://, ws:// or wss://, got "${url}"`);
  if (u.hostname === '') throw new Error(`expected a host in the broker URL, got "${url}"`);
  return u;
}

/** The broker URL without credentials, for logs and /healthz. */
export function brokerTarget(url: string): string {
  const u = parseBrokerUrl(url);
  const path = u.protocol === 'ws:' || u.protocol === 'wss:' ? u.pathname : '';
  return `${u.protocol}//${u.host}${path === '/' ? '' : path}`;
}

function readPem(file: string | undefined, what: string): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read the ${what} file "${file}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export type BrokerHandlers = {
  subscriptions: string[];
  onMessage(topic: string, payload: Buffer): void;
  onConnect(): void;
  /** The connection was lost (or the first attempt failed). */
  onDown(): void;
  onState(state: SourceHealth['connection']): void;
  log: LiveLog;
  /** Log prefix, e.g. "mqtt". */
  name: string;
};

export type BrokerConnection = { close(): Promise<void> };

export function checkBrokerOptions(o: BrokerOptions): void {
  parseBrokerUrl(o.url);
  for (const [k, v] of [['minReconnectMs', o.minReconnectMs], ['maxReconnectMs', o.maxReconnectMs], ['keepaliveS', o.keepaliveS]] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new Error(`${k} must be a number > 0, got ${String(v)}`);
  }
  if (o.clientId !== undefined && (o.clientId.length === 0 || o.clientId.length > 128)) throw new Error('clientId must have 1 to 128 characters');
}

/** Wait before reconnect attempt `attempt` (0 = the first after a loss): doubling from min up to max. */
export function reconnectDelay(attempt: number, minMs: number, maxMs: number): number {
  return Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
}

/** Connects at once and keeps reconnecting until close(); never throws for network trouble. */
export function openBroker(o: BrokerOptions, h: BrokerHandlers): BrokerConnection {
  checkBrokerOptions(o);
  const minDelay = o.minReconnectMs ?? 1000;
  const maxDelay = Math.max(minDelay, o.maxReconnectMs ?? 30_000);
  const options: IClientOptions = {
    clientId: o.clientId ?? `linetwin-${h.name}-${randomBytes(4).toString('hex')}`,
    username: o.username,
    password: o.password,
    ca: readPem(o.caFile, 'CA certificate'),
    cert: readPem(o.certFile, 'client certificate'),
    key: readPem(o.keyFile, 'client key'),
    keepalive: o.keepaliveS ?? 10,
    connectTimeout: 10_000,
    clean: true,
    // MQTT.js retries at a fixed period; the growing delay below is done here instead.
    reconnectPeriod: 0,
    // Resubscribing is done on every connect (a clean session has no subscriptions).
    resubscribe: false,
  };
  const target = brokerTarget(o.url);
  const client: MqttClient = mqtt.connect(o.url, options);
  let closed = false;
  let connected = false;
  let attempt = 0;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let lastError = '';

  h.onState('connecting');
  client.on('connect', () => {
    connected = true;
    attempt = 0;
    lastError = '';
    h.log(`${h.name}: connected to ${target}`, { severity: 'info', source: h.name, target });
    client.subscribe(h.subscriptions, { qos: 1 }, (err, granted) => {
      if (err) h.log(`${h.name}: subscribe failed: ${err.message}`, { severity: 'error', source: h.name, target, subscriptions: h.subscriptions });
      const refused = granted?.filter((g) => g.qos === 128).map((g) => g.topic) ?? [];
      if (refused.length > 0) h.log(`${h.name}: the broker refused the subscriptions ${refused.join(', ')} (check its ACL)`, { severity: 'error', source: h.name, target, refused });
      // "connected" once messages can flow, so a publisher that waits for it loses nothing.
      if (!closed && connected) h.onState('connected');
    });
    h.onConnect();
  });
  client.on('message', (topic, payload) => {
    if (!closed) h.onMessage(topic, payload);
  });
  client.on('error', (err) => {
    // Logged once per distinct error in a row: a broker that stays away repeats the same one.
    if (err.message !== lastError) {
      lastError = err.message;
      h.log(`${h.name}: broker ${target}: ${err.message}`, { severity: 'warn', source: h.name, target, error: err.message });
    }
  });
  client.on('close', () => {
    if (closed) return;
    if (connected) {
      connected = false;
      h.log(`${h.name}: connection to ${target} lost; entities are stale until it is back`, { severity: 'warn', source: h.name, target });
    }
    h.onState('disconnected');
    h.onDown();
    if (retry !== null) return;
    const delay = reconnectDelay(attempt, minDelay, maxDelay);
    attempt++;
    retry = setTimeout(() => {
      retry = null;
      if (closed) return;
      h.onState('connecting');
      client.reconnect();
    }, delay);
    retry.unref?.();
  });

  return {
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        if (retry !== null) clearTimeout(retry);
        retry = null;
        h.onState('stopped');
        client.end(true, {}, () => resolve());
      }),
  };
}
