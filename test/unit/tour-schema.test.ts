/**
 * Tours in scene files (protocol/scene-schema.ts tourSchema, cross-checks in protocol/scene.ts): a bad tour
 * is a SceneError naming the JSON path and what was expected; scenes without tours still load.
 */
import { describe, expect, it } from 'vitest';
import { parseScene, SceneError, type SceneIssue } from '../../protocol/scene.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { buildDemoPlant } from '../../scripts/make-demo-plant.ts';

const text = (en: string) => ({ en, 'zh-CN': `中文 ${en}` });
const step = (extra: Record<string, unknown> = {}) => ({ title: text('Press'), text: text('The press shop.'), duration: 8, frame: { kind: 'station', id: 'S1' }, ...extra });
const tour = (steps: unknown[], extra: Record<string, unknown> = {}) => ({ id: 'visit', name: text('Visit'), steps, ...extra });

function issuesOf(tours: unknown): SceneIssue[] {
  try {
    tinyScene({ tours });
  } catch (e) {
    expect(e).toBeInstanceOf(SceneError);
    return (e as SceneError).issues;
  }
  throw new Error('expected a SceneError');
}

describe('tours in scene files', () => {
  it('[TOUR1] a scene without tours loads with tours = [] (specVersion 1 scenes stay valid)', () => {
    expect(tinyScene().tours).toEqual([]);
  });

  it('[TOUR2] a valid tour loads with defaults applied (highlight [], replay speed 1)', () => {
    const s = tinyScene({
      tours: [
        tour([
          step(),
          step({ frame: undefined, camera: { position: [0, 10, 10], target: [0, 0, 0] }, highlight: [{ kind: 'area', id: 'A' }, { kind: 'robot', id: 'R1' }], replay: { from: -120, to: -60 } }),
          step({ replay: { from: '2026-11-24T08:00:00Z', to: '2026-11-24T08:05:00Z', speed: 10 } }),
        ]),
      ],
    });
    expect(s.tours[0].steps[0].highlight).toEqual([]);
    expect(s.tours[0].steps[1].replay).toEqual({ from: -120, to: -60, speed: 1 });
    expect(s.tours[0].steps[2].replay?.speed).toBe(10);
  });

  it('[TOUR3] schema problems name the JSON path of the step field', () => {
    expect(issuesOf([tour([step({ title: { en: 'Only English' } })])])).toContainEqual({ path: '$.tours[0].steps[0].title["zh-CN"]', message: expect.stringMatching(/string/) });
    expect(issuesOf([tour([step(), step({ duration: -1 })])])).toContainEqual({ path: '$.tours[0].steps[1].duration', message: expect.stringMatching(/>0|positive|greater/i) });
    expect(issuesOf([tour([step({ frame: undefined })])])).toEqual([{ path: '$.tours[0].steps[0]', message: 'expected `camera` or `frame`: a step must say where to look' }]);
    expect(issuesOf([tour([])])).toContainEqual({ path: '$.tours[0].steps', message: expect.stringMatching(/>=1|at least|too small/i) });
    expect(issuesOf([tour([step({ speech: 'hi' })])])).toContainEqual({ path: '$.tours[0].steps[0]', message: expect.stringMatching(/speech/) });
    expect(issuesOf([tour([step({ replay: { from: 30, to: 60 } })])])[0].path).toBe('$.tours[0].steps[0].replay.from');
  });

  it('[TOUR4] references and clip ranges are checked across the scene', () => {
    expect(issuesOf([tour([step({ frame: { kind: 'station', id: 'S9' } })])])).toEqual([{ path: '$.tours[0].steps[0].frame.id', message: 'expected the id of a station, got "S9"' }]);
    expect(issuesOf([tour([step({ highlight: [{ kind: 'robot', id: 'R1' }, { kind: 'area', id: 'Paint' }] })])])).toEqual([
      { path: '$.tours[0].steps[0].highlight[1].id', message: 'expected the id of an area, got "Paint"' },
    ]);
    expect(issuesOf([tour([step({ replay: { from: -60, to: -120 } })])])).toEqual([{ path: '$.tours[0].steps[0].replay.to', message: 'expected `to` after `from`' }]);
    expect(issuesOf([tour([step({ replay: { from: -60, to: '2026-11-24T08:05:00Z' } })])])).toEqual([
      { path: '$.tours[0].steps[0].replay', message: 'expected `from` and `to` of the same form (both seconds or both timestamps)' },
    ]);
    expect(issuesOf([tour([step()]), tour([step()])])).toEqual([{ path: '$.tours[1].id', message: 'duplicate id "visit" (first used at $.tours[0])' }]);
  });

  it('[TOUR5] the demo plant ships a visitor tour (press to final inspection, about 3 minutes) and a staff induction', () => {
    const demo = parseScene(buildDemoPlant(), 'demo-plant');
    const visitor = demo.tours.find((t) => t.id === 'visitor')!;
    const induction = demo.tours.find((t) => t.id === 'induction')!;
    expect(visitor.name.en).toBe('Visitor tour');
    expect(induction.name.en).toBe('New staff induction');
    const seconds = visitor.steps.reduce((a, s) => a + s.duration, 0);
    expect(seconds).toBeGreaterThanOrEqual(150);
    expect(seconds).toBeLessThanOrEqual(210);
    const kinds = (t: typeof visitor) => t.steps.map((s) => (s.frame ? demo.stations.find((x) => x.id === s.frame!.id)?.kind : null));
    expect(kinds(visitor).filter(Boolean)[0]).toBe('press');
    expect(kinds(visitor).filter(Boolean).at(-1)).toMatch(/inspection|test/);
    for (const t of demo.tours) for (const s of t.steps) expect(s.title['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
  });
});
