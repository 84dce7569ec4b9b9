/**
 * The live data path end to end, on one machine (`npm run demo:mqtt`):
 *   1. an embedded MQTT broker (aedes) on a free port (or --port),
 *   2. a publisher that runs the line simulator in real time and publishes its changes in the
 *      default topic layout (plant/stations/<id>/state, …), like a plant gateway would,
 *   3. the linetwin server reading that broker: node bin/linetwin.js --mqtt mqtt://127.0.0.1:<port>.
 * Ctrl-C stops all three. `--no-server` runs only the broker and the publisher, for trying the
 * server by hand or pointing mosquitto_sub at it.
 */
import net from 'node:net';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import type { Change } from '../protocol/changes.ts';
import { loadSceneFile, resolveScenePath } from '../server/scene-loader.ts';
import { LineSimulation } from '../server/sources/simulator/line-simulation.ts';
import { sceneTopicLayout } from '../server/sources/mqtt/topics.ts';
import { changeToMessage } from '../server/sources/mqtt/change-message.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const usage = `Usage: npm run demo:mqtt -- [options]

  --port N          broker port (default: a free one)
  --http-port N     port of the twin's web page (default 8080)
  --scene ID        scene id or scene.json path (default demo-plant)
  --seed N          simulator seed (default 1)
  --warmup S        simulated seconds run before publishing, so the line is full (default 14400)
  --heartbeat S     republish every entity this often, seconds (default 4; keep it under the server's --stale-after)
  --no-server       run only the broker and the publisher
  -h, --help        this text`;

function die(msg: string): never {
  process.stderr.write(`demo-mqtt: ${msg}\n\n${usage}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      port: { type: 'string' },
      'http-port': { type: 'string', default: '8080' },
      scene: { type: 'string', default: 'demo-plant' },
      seed: { type: 'string', default: '1' },
      warmup: { type: 'string', default: '14400' },
      heartbeat: { type: 'string', default: '4' },
      'no-server': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
} catch (e) {
  die((e as Error).message);
}
if (args.help) {
  process.stdout.write(usage + '\n');
  process.exit(0);
}
const int = (name: string, v: string, min: number, max: number) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) die(`--${name} expects a whole number from ${min} to ${max}, got "${v}"`);
  return n;
};
const brokerPort = args.port === undefined ? 0 : int('port', args.port, 1, 65535);
const httpPort = int('http-port', args['http-port'] as string, 0, 65535);
const seed = int('seed', args.seed as string, 0, 2 ** 31 - 1);
const warmupS = int('warmup', args.warmup as string, 0, 7 * 24 * 3600);
const heartbeatMs = Number(args.heartbeat) * 1000;
if (!(heartbeatMs >= 500 && heartbeatMs <= 3_600_000)) die(`--heartbeat expects seconds from 0.5 to 3600, got "${args.heartbeat}"`);

const scene = loadSceneFile(resolveScenePath(args.scene as string, path.join(root, 'scenes')));
const layout = sceneTopicLayout(scene);

// 1. The broker.
const broker = await Aedes.createBroker();
const tcp = net.createServer(broker.handle);
await new Promise<void>((resolve, reject) => {
  tcp.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new Error(`port ${brokerPort} is in use; pass another --port`) : e));
  tcp.listen(brokerPort, '127.0.0.1', resolve);
}).catch((e: Error) => die(e.message));
const port = (tcp.address() as net.AddressInfo).port;
const url = `mqtt://127.0.0.1:${port}`;
process.stdout.write(`demo-mqtt: broker listening on ${url}\n`);

// 2. The publisher: simulated time runs with real time, starting where the warm-up ends (now).
const client = await mqtt.connectAsync(url, { clientId: 'linetwin-demo-publisher' });
const now = Date.now();
const sim = new LineSimulation(scene, { seed, startTime: now - warmupS * 1000, sampleHz: 5 });
sim.runUntil(now, () => undefined, { sample: false });
let published = 0;
const publish = (c: Change) => {
  const m = changeToMessage(c, layout);
  if (m === null) return;
  published++;
  client.publish(m.topic, m.payload, { qos: 0 });
};
// Real gateways report on change; without a heartbeat a station that keeps working for a whole
// cycle would turn stale in the twin. Republishing everything now and then keeps it fresh.
const heartbeat = () => sim.fullState().forEach(publish);
heartbeat();
const stepTimer = setInterval(() => sim.runUntil(Date.now(), publish), 100);
const beatTimer = setInterval(heartbeat, heartbeatMs);
const statsTimer = setInterval(() => process.stdout.write(`demo-mqtt: ${published} messages published, ${sim.bodiesInFlight} bodies in the line\n`), 30_000);
statsTimer.unref();
process.stdout.write(`demo-mqtt: publishing scene "${scene.id}" under "${layout.prefix}/" (try: mosquitto_sub -p ${port} -t '${layout.prefix}/stations/#' -v)\n`);

// 3. The server.
let server: ChildProcess | null = null;
if (!args['no-server']) {
  server = spawn(process.execPath, [path.join(root, 'bin', 'linetwin.js'), '--mqtt', url, '--port', String(httpPort), '--scene', args.scene as string], {
    stdio: 'inherit',
  });
  server.once('exit', (code, signal) => {
    server = null;
    if (stopping) return;
    process.stderr.write(
      `demo-mqtt: the server exited (${signal ?? `code ${code}`}). If it did not know --mqtt, this checkout has no live-source wiring in server/main.ts yet; ` +
        `run with --no-server and test the pieces directly.\n`,
    );
    void stop(1);
  });
}

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(stepTimer);
  clearInterval(beatTimer);
  clearInterval(statsTimer);
  const child = server;
  if (child) {
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGINT');
    // A server that does not stop within 5 s is not waited for.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await client.endAsync(true).catch(() => undefined);
  await new Promise<void>((r) => broker.close(() => r()));
  await new Promise<void>((r) => tcp.close(() => r()));
  process.stdout.write('demo-mqtt: stopped\n');
  process.exit(code);
}
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
