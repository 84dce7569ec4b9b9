/**
 * The inverse of the MQTT mapping: a Change as the message a plant publisher would send in the
 * topic layout. Used by the demo publisher (scripts/demo-mqtt.ts) and by tests; the twin itself
 * never publishes.
 */
import type { Change } from '../../../protocol/changes.ts';
import type { TopicLayout } from './topics.ts';

export type MqttMessage = { topic: string; payload: string };

/** The message for a change, or null for one the layout cannot express (a body with no location). */
export function changeToMessage(change: Change, layout: TopicLayout): MqttMessage | null {
  switch (change.type) {
    case 'station':
      return {
        topic: layout.topic('station', change.id),
        payload: JSON.stringify({ state: change.state, ts: change.ts, job: change.job ?? null, ...(change.quality ? { quality: change.quality } : {}) }),
      };
    case 'robot':
      return {
        topic: layout.topic('robot', change.id),
        payload: JSON.stringify({ joints: Array.from(change.joints), ts: change.ts, state: change.state, tool: change.tool, ...(change.quality ? { quality: change.quality } : {}) }),
      };
    case 'body': {
      const loc = change.location;
      if (loc.kind === 'none') return null;
      const where = loc.kind === 'station' ? { station: loc.station } : { conveyor: loc.conveyor, progress: loc.progress };
      return {
        topic: layout.topic('body', change.id),
        payload: JSON.stringify({ ...where, model: change.model, color: change.color, ts: change.ts, ...(change.quality ? { quality: change.quality } : {}) }),
      };
    }
    case 'body-remove':
      return { topic: layout.topic('bodyRemove', change.id), payload: '' };
  }
}
