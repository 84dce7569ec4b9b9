import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RecordLog } from '../../server/analytics/record-log.ts';

describe('RecordLog', () => {
  it('[ANA-LOG1] keeps records by absolute index across chunk boundaries, pops and drops, like a plain array', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), n: fc.integer({ min: 1, max: 300 }) }),
      fc.record({ kind: fc.constant('pop' as const), n: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ kind: fc.constant('drop' as const), n: fc.integer({ min: 0, max: 400 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const log = new RecordLog(2);
        const model: Array<[number, number]> = [];
        let head = 0;
        let next = 0;
        for (const o of ops) {
          if (o.kind === 'push') for (let k = 0; k < o.n; k++, next++) {
            log.push2(next, -next);
            model.push([next, -next]);
          }
          else if (o.kind === 'pop') for (let k = 0; k < o.n && model.length > head; k++) {
            log.pop();
            model.pop();
            next--;
          }
          else {
            const to = Math.min(head + o.n, model.length);
            log.dropBefore(to);
            head = Math.max(head, to);
          }
          expect(log.first).toBe(head);
          expect(log.end).toBe(model.length);
          for (let i = head; i < model.length; i++) {
            expect(log.get(i, 0)).toBe(model[i][0]);
            expect(log.get(i, 1)).toBe(model[i][1]);
          }
          if (model.length > head) expect(log.lowerBound(model[model.length - 1][0])).toBe(model.length - 1);
        }
      }),
      { numRuns: 150 },
    );
  });
});
