/** Recording works unchanged with a live MQTT source (issue 4, part 6), against the real Mosquitto. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import { createHub } from '../../server/hub/twin-hub.ts';
import { createApp } from '../../server/app.ts';
import { createMqttSource } from '../../server/sources/mqtt/index.ts';
import { startRecorder } from '../../server/recording/recorder.ts';
import { readRecording } from '../../server/recording/reader.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { waitFor } from '../fixtures/client.ts';

const scene = tinyScene();
const dir = mkdtempSync(path.join(tmpdir(), 'linetwin-mqrec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('recording a live MQTT source', () => {
  it('[MQREC1] states published to the broker are recorded and replay at the times they happened', async () => {
    const prefix = `lt-rec-${randomBytes(4).toString('hex')}`;
    const hub = createHub({ scene, tickMs: 20 });
    const source = createMqttSource(scene, { url: 'mqtt://127.0.0.1:1883', prefix, staleAfterMs: 60_000 });
    const app = createApp({ hub, sources: [source], staticDir: null });
    await app.listen(0, '127.0.0.1');
    const file = path.join(dir, 'live.jsonl.gz');
    let t0 = 0;
    const rec = startRecorder(hub, file, { source: source.kind, flushMs: 100 });
    const pub = await mqtt.connectAsync('mqtt://127.0.0.1:1883');
    try {
      await waitFor(() => source.health().connection === 'connected', 'the source to connect (is Mosquitto running on 127.0.0.1:1883?)');
      // Live data carries live times (the placeholders sent at start are stamped now).
      t0 = Date.now() + 500;
      await pub.publishAsync(`${prefix}/stations/S1/state`, JSON.stringify({ state: 'running', ts: t0 }));
      await waitFor(() => hub.snapshot().stations.S1.state === 'working', 'S1 working');
      await pub.publishAsync(`${prefix}/stations/S1/state`, JSON.stringify({ state: 'fault', ts: t0 + 2_000 }));
      // A tick's state time is the newest source time in it: let the fault commit on its own.
      await waitFor(() => hub.snapshot().stations.S1.state === 'down', 'S1 down');
      await pub.publishAsync(`${prefix}/robots/R1/joints`, JSON.stringify({ joints: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], ts: t0 + 3_000, tool: true }));
      await waitFor(() => hub.snapshot().robots.R1.tool === true, 'R1 reported');
    } finally {
      await pub.endAsync();
      await rec.stop();
      await app.close();
    }
    const { header, history, warnings } = await readRecording(file, scene);
    expect(warnings).toEqual([]);
    expect(header.source).toBe('mqtt');
    const at = (t: number) => history.stateAt(t).hub.snapshot();
    expect(at(t0 - 200).stations.S1).toMatchObject({ state: 'off', quality: 'stale' });
    expect(at(t0 + 1_000).stations.S1).toMatchObject({ state: 'working', quality: 'good' });
    expect(at(t0 + 2_500).stations.S1.state).toBe('down');
    const r1 = at(t0 + 3_000).robots.R1;
    expect(r1.tool).toBe(true);
    expect(r1.joints[2]).toBeCloseTo(0.3, 4);
  }, 30_000);
});
