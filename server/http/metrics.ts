/** GET /metrics in Prometheus format (prom-client): what an operator watches. */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Hub } from '../hub/twin-hub.ts';
import type { Source } from '../sources/source.ts';

export type MetricsDeps = {
  hub: Hub;
  sources: Source[];
  clients: () => number;
  /** Frames and bytes sent to clients so far. */
  sent: () => { frames: number; bytes: number };
  /** Rejected client inputs by reason (invalid, forbidden, rate-limit, origin, token). */
  clientRejects: Record<string, number>;
};

export function createMetrics(deps: MetricsDeps) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'linetwin_' });
  new Gauge({ name: 'linetwin_clients_connected', help: 'Socket.IO clients connected', registers: [registry], collect() { this.set(deps.clients()); } });
  new Gauge({ name: 'linetwin_revision', help: 'current state revision', registers: [registry], collect() { this.set(deps.hub.revision); } });
  new Counter({ name: 'linetwin_state_changes_in_total', help: 'changes handed to the hub by sources', registers: [registry], collect() { setCounter(this, deps.hub.stats.changesIn); } });
  new Counter({ name: 'linetwin_frames_out_total', help: 'state frames sent to clients', registers: [registry], collect() { setCounter(this, deps.sent().frames); } });
  new Counter({ name: 'linetwin_bytes_out_total', help: 'state frame bytes sent to clients', registers: [registry], collect() { setCounter(this, deps.sent().bytes); } });
  new Counter({ name: 'linetwin_ticks_total', help: 'hub ticks', registers: [registry], collect() { setCounter(this, deps.hub.stats.ticks); } });
  new Gauge({ name: 'linetwin_tick_duration_seconds', help: 'duration of the last hub tick (commit, encode, fan-out)', registers: [registry], collect() { this.set(deps.hub.stats.lastTickMs / 1000); } });
  new Counter({
    name: 'linetwin_rejected_inputs_total',
    help: 'inputs refused, by source and reason',
    labelNames: ['source', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(deps.hub.rejects)) this.inc({ source: 'hub', reason }, n);
      for (const s of deps.sources) for (const [reason, n] of Object.entries(s.health?.().rejects ?? {})) this.inc({ source: s.kind, reason }, n);
      for (const [reason, n] of Object.entries(deps.clientRejects)) this.inc({ source: 'client', reason }, n);
    },
  });
  return {
    registry,
    async text(): Promise<{ contentType: string; body: string }> {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** Counters only go up; collect() reports the running total kept elsewhere. */
function setCounter(c: Counter, total: number): void {
  c.reset();
  c.inc(total);
}
