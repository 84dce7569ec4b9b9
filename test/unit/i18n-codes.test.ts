/**
 * Coded messages: the model rules' problems (protocol/model-rules.ts), the server's refusals
 * (protocol/events.ts, ackErrorCodes) and the HTTP API's error answers (protocol/http-errors.ts,
 * httpErrorReasons) carry a code and values; the client words them in the language shown
 * (client/src/models/problem-text.ts, client/src/net/server-error.ts) and keeps the English text for a code
 * it does not know.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { en } from '../../client/src/i18n/en.ts';
import { zhCN } from '../../client/src/i18n/zh-CN.ts';
import { i18n } from '../../client/src/i18n/i18n.ts';
import { modelProblemText } from '../../client/src/models/problem-text.ts';
import { httpFailureOf, refusalText } from '../../client/src/net/server-error.ts';
import { ackErrorCodes } from '../../protocol/events.ts';
import { httpErrorReasons, type HttpErrorReason, type HttpFailure } from '../../protocol/http-errors.ts';
import { jointChain, robotModels } from '../../protocol/kinematics.ts';
import { checkModel, checkRobotNodes, checkScale, modelProblemCodes, ROBOT_NODES, unitGuesses, type ModelNodeInfo, type ModelProblem } from '../../protocol/model-rules.ts';
import { refusal } from '../../server/ack-error.ts';
import { bodyRouteJson, parseAt, parseQuery } from '../../server/http/analytics-routes.ts';
import { BodyRoutes } from '../../server/analytics/body-routes.ts';
import { routeNotes } from '../../client/src/store/body-route.ts';
import { tinyScene } from '../fixtures/tiny-scene.ts';
import { httpFailure } from '../../server/http/http-error.ts';

type Tree = { [k: string]: string | Tree };
const section = (dict: unknown, name: string) => (dict as Record<string, Tree>)[name];

/** A robot's joint nodes as the rules want them; `edit` spoils one. */
function robotNodes(model: 'ir-210' | 'ir-20', edit: (nodes: ModelNodeInfo[]) => void = () => undefined): ModelNodeInfo[] {
  const chain = jointChain(robotModels[model]);
  const nodes: ModelNodeInfo[] = ROBOT_NODES.map((name, j) => ({
    name,
    parent: j === 0 ? null : ROBOT_NODES[j - 1],
    translation: j >= 1 && j <= 6 ? chain[j - 1].offset : [0, 0, 0],
    rotation: [0, 0, 0, 1],
    scale: [1, 1, 1],
  }));
  edit(nodes);
  return nodes;
}
const node = (nodes: ModelNodeInfo[], name: string) => nodes.find((n) => n.name === name)!;

/** At least one problem of every code, made by the rules themselves. */
const samples: ModelProblem[] = [
  ...checkScale({ kind: 'body' }, [0, 0, 0]),
  ...checkScale({ kind: 'station', footprint: [6, 8] }, [7200, 2500, 3100]),
  ...checkScale({ kind: 'body' }, [0.0471, 0.02, 0.015]),
  ...checkScale({ kind: 'robot', model: 'ir-20' }, [55, 20, 30]),
  ...checkScale({ kind: 'robot', model: 'ir-210' }, [0.4, 0.2, 0.1]),
  ...checkRobotNodes('ir-210', robotNodes('ir-210', (n) => n.splice(3, 1))),
  ...checkRobotNodes('ir-210', robotNodes('ir-210', (n) => n.splice(3, 2))),
  ...checkRobotNodes('ir-210', robotNodes('ir-210', (n) => (node(n, 'wrist_1').parent = 'base'))),
  ...checkRobotNodes('ir-210', robotNodes('ir-210', (n) => (node(n, 'shoulder').parent = null))),
  ...checkRobotNodes('ir-20', robotNodes('ir-210')),
  ...checkRobotNodes('ir-210', robotNodes('ir-210', (n) => (node(n, 'elbow').rotation = [0, 0.7071068, 0, 0.7071068]))),
  ...checkModel({ kind: 'robot', model: 'ir-210' }, { nodes: robotNodes('ir-210', (n) => (node(n, 'flange').scale = [1000, 1000, 1000])), size: [2, 2, 2] }),
];

async function inLanguage<T>(lang: 'en' | 'zh-CN', f: () => T): Promise<T> {
  await i18n.changeLanguage(lang);
  return f();
}

afterAll(() => i18n.changeLanguage('en'));

describe('coded messages', () => {
  it('[I18N6] every model-rule code, unit guess and role, and every server refusal code, has words in both dictionaries', () => {
    for (const dict of [en, zhCN]) {
      const rule = section(dict, 'modelRule');
      for (const code of modelProblemCodes) expect(rule[code] ?? rule[`${code}_other`], code).toBeTypeOf('string');
      for (const u of unitGuesses) expect((rule.unitGuess as Tree)[u], u).toBeTypeOf('string');
      for (const r of ['robot', 'station', 'body']) expect((rule.role as Tree)[r], r).toBeTypeOf('string');
      const server = section(dict, 'serverError');
      for (const code of ackErrorCodes) expect(server[code], code).toBeTypeOf('string');
    }
  });

  it('[I18N7] English words made from a model problem\'s code and values are the rules\' own message, for every code', async () => {
    expect(new Set(samples.map((p) => p.code))).toEqual(new Set(modelProblemCodes));
    const english = await inLanguage('en', () => samples.map(modelProblemText));
    expect(english).toEqual(samples.map((p) => p.message));
  });

  it('[I18N8] Chinese words for model problems are Chinese and carry the values: sizes in metres, node names, the unit guess', async () => {
    const chinese = await inLanguage('zh-CN', () => samples.map(modelProblemText));
    for (const [i, text] of chinese.entries()) {
      expect(text, samples[i].message).toMatch(/[\u3400-\u9fff]/);
      expect(text).not.toContain('{{');
      expect(text).not.toBe(samples[i].message);
    }
    const byCode = (code: string) => chinese.filter((_, i) => samples[i].code === code);
    const [mm, tiny, inches] = byCode('wrong-scale');
    expect(mm).toBe('尺寸为 7,200 米，而该工位（占地 6 × 8 米）约为 8 米：比例错误（可能误用了毫米？）；glTF 模型应以米为单位');
    expect(tiny).toContain('0.0471 米');
    expect(tiny).toContain('4.7 米');
    expect(inches).toContain('ir-20 机器人');
    expect(inches).toContain('（可能误用了英寸？）');
    expect(byCode('missing-joints')[0]).toContain('“elbow”');
    expect(byCode('missing-joints')[1]).toContain('“elbow”、“wrist_1”');
    expect(byCode('joint-parent')[0]).toBe('节点“wrist_1”必须是“elbow”的直接子节点，但它的父节点是“base”');
    expect(byCode('joint-parent').some((t) => t.endsWith('场景根节点'))).toBe(true);
    expect(byCode('joint-offset')[0]).toContain('[0.35, 0.675, 0]');
    expect(byCode('joint-scale')[0]).toContain('[1000, 1000, 1000]');
  });

  it('[I18N9] a server refusal is worded from its code with its values (the room code), in both languages', async () => {
    const noRoom = refusal('no-room', "no room K7M3Q: check the code on the presenter's screen", { room: 'K7M3Q' });
    expect(await inLanguage('en', () => refusalText(noRoom))).toBe(noRoom.error);
    expect(await inLanguage('zh-CN', () => refusalText(noRoom))).toBe('没有代码为 K7M3Q 的会话：请核对讲师屏幕上的代码');
    const forbidden = refusal('forbidden', 'forbidden: a viewer may not send room:create', { role: 'viewer', event: 'room:create' });
    expect(await inLanguage('en', () => refusalText(forbidden))).toBe(forbidden.error);
    expect(await inLanguage('zh-CN', () => refusalText(forbidden))).toBe('无权操作：观众不能发送 room:create');
    expect(await inLanguage('zh-CN', () => refusalText(refusal('no-history', 'this server keeps no history')))).toBe('此服务器不保存历史记录');
  });

  it('[I18N10] a code the page does not know, a refusal without a code, or one missing a value its words need, keeps its text', async () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      await i18n.changeLanguage(lang);
      expect(modelProblemText({ code: 'bent-flange', params: { node: 'flange' }, message: 'node "flange" is bent' })).toBe('node "flange" is bent');
      expect(refusalText({ error: 'room is full', reason: 'room-full', params: { room: 'K7M3Q' } })).toBe('room is full');
      expect(refusalText({ error: 'no room K7M3Q: check the code' })).toBe('no room K7M3Q: check the code');
      expect(refusalText({ error: 'no room K7M3Q: check the code', reason: 'no-room' })).toBe('no room K7M3Q: check the code');
    }
  });
});

const HOUR = 3600_000;
const T = Date.UTC(2026, 0, 5, 8, 0, 0);
const iso = (t: number) => new Date(t).toISOString();
const query = (q: string) => parseQuery(new URLSearchParams(q), T) as HttpFailure & { parameter: string };
const asOf = (q: string) => parseAt(new URLSearchParams(q)) as HttpFailure & { parameter: string };

/** An answer of every HTTP reason, as the server makes it (its query parsers where they make it). */
const httpSamples: Record<HttpErrorReason, HttpFailure> = {
  'method-not-allowed': httpFailure('method-not-allowed', { method: 'POST' }),
  'no-route': httpFailure('no-route', { path: '/api/nothing' }),
  'invalid-time': query('from=yesterday'),
  'no-history-yet': httpFailure('no-history-yet'),
  'outside-history': httpFailure('outside-history', { at: iso(T - HOUR), from: iso(T), to: iso(T + HOUR) }),
  'invalid-range': httpFailure('invalid-range'),
  'invalid-station': httpFailure('invalid-station', { station: 'BS-999', scene: 'body-shop' }),
  'unknown-parameter': query('colour=red'),
  'repeated-parameter': query('window=1h&window=8h'),
  'invalid-window': query('window=forever'),
  'window-overdetermined': query(`from=${T}&to=${T + HOUR}&window=1h`),
  'invalid-format': query('format=xml'),
  'from-not-before-to': query(`from=${T + HOUR}&to=${T}`),
  'json-only': httpFailure('json-only'),
  'outside-data': httpFailure('outside-data', { from: iso(T - 2 * HOUR), to: iso(T - HOUR), dataFrom: iso(T), dataTo: iso(T + HOUR) }),
  'no-data-yet': httpFailure('no-data-yet'),
  'bad-path-encoding': httpFailure('bad-path-encoding'),
  'no-station': httpFailure('no-station', { station: 'BS-999', scene: 'body-shop' }),
  'station-not-analysed': httpFailure('station-not-analysed', { station: 'BS-010' }),
  'no-body': httpFailure('no-body', { vin: 'WVWZZZ1KZAW000042' }),
  'body-not-yet': httpFailure('body-not-yet', { vin: 'WVWZZZ1KZAW000042', at: iso(T), firstSeen: iso(T + HOUR) }),
  'no-analytics': httpFailure('no-analytics'),
};
const placeholders = (text: string) => [...text.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();

describe('coded HTTP error answers', () => {
  it('[I18N11] every HTTP error reason has words in both dictionaries, with the same values in both', () => {
    const en1 = section(en, 'httpError');
    const zh = section(zhCN, 'httpError');
    for (const reason of httpErrorReasons) {
      expect(en1[reason], reason).toBeTypeOf('string');
      expect(zh[reason], reason).toBeTypeOf('string');
      expect(placeholders(zh[reason] as string), reason).toEqual(placeholders(en1[reason] as string));
    }
    // Nothing worded for a reason the server does not send.
    expect(Object.keys(en1).sort()).toEqual([...httpErrorReasons].sort());
    expect(Object.keys(zh).sort()).toEqual([...httpErrorReasons].sort());
  });

  it('[I18N12] English words made from an HTTP answer\'s reason and values are the server\'s own error, for every reason', async () => {
    expect(Object.keys(httpSamples).sort()).toEqual([...httpErrorReasons].sort());
    for (const [reason, answer] of Object.entries(httpSamples)) {
      expect(answer.reason, reason).toBe(reason);
      // The values the words need are the values the server sends: no more, no fewer.
      expect(Object.keys(answer.params ?? {}).sort(), reason).toEqual(placeholders(section(en, 'httpError')[reason] as string));
    }
    const english = await inLanguage('en', () => Object.values(httpSamples).map((a) => refusalText(a, 'http')));
    expect(english).toEqual(Object.values(httpSamples).map((a) => a.error));
    // The query parsers' answers name the parameter too, and say it in the sentence.
    expect(query('to=12:00')).toMatchObject({ reason: 'invalid-time', params: { parameter: 'to', value: '12:00' }, parameter: 'to' });
    expect(asOf('at=NaN')).toEqual({ error: 'at: expected an ISO 8601 time or epoch milliseconds, got "NaN"', reason: 'invalid-time', params: { parameter: 'at', value: 'NaN' }, parameter: 'at' });
    expect(asOf('from=1')).toEqual({ error: 'unknown parameter "from"; expected at', reason: 'unknown-parameter', params: { parameter: 'from', expected: 'at' }, parameter: 'from' });
  });

  it('[I18N13] Chinese words for HTTP answers are Chinese and carry the values: the VIN, the station, the parameter, the times', async () => {
    const chinese = await inLanguage('zh-CN', () => Object.fromEntries(Object.entries(httpSamples).map(([r, a]) => [r, refusalText(a, 'http')])));
    for (const [reason, text] of Object.entries(chinese)) {
      const answer = httpSamples[reason as HttpErrorReason];
      expect(text, reason).toMatch(/[\u3400-\u9fff]/);
      expect(text, reason).not.toContain('{{');
      expect(text, reason).not.toBe(answer.error);
      for (const v of Object.values(answer.params ?? {})) expect(text, reason).toContain(String(v));
    }
    expect(chinese['no-body']).toBe('保存的数据中没有车身“WVWZZZ1KZAW000042”（车身在厂内期间及离厂后一段时间内保留）');
    expect(chinese['body-not-yet']).toBe('2026-01-05T08:00:00.000Z 时没有车身“WVWZZZ1KZAW000042”：它首次出现于 2026-01-05T09:00:00.000Z，晚于该时间');
    expect(chinese['no-station']).toBe('场景 body-shop 中没有工位“BS-999”');
    expect(chinese['invalid-time']).toBe('from：应为 ISO 8601 时间或纪元毫秒数，收到的是“yesterday”');
    expect(chinese['unknown-parameter']).toBe('未知参数“colour”；可用的参数：from, to, window, format');
  });

  it('[I18N14] an HTTP answer with a reason the page does not know, a Socket.IO code, no reason, or a missing value keeps its text; a body that is not an error is none', async () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      await i18n.changeLanguage(lang);
      expect(refusalText({ error: 'body is in the paint shop', reason: 'body-busy', params: { vin: 'V1' } }, 'http')).toBe('body is in the paint shop');
      // Each transport's own list: a Socket.IO code in an HTTP answer is not worded, nor the other way round.
      expect(refusalText({ error: 'no room K7M3Q', reason: 'no-room', params: { room: 'K7M3Q' } }, 'http')).toBe('no room K7M3Q');
      expect(refusalText({ error: 'no body "V1" kept', reason: 'no-body', params: { vin: 'V1' } })).toBe('no body "V1" kept');
      expect(refusalText({ error: 'no body "V1" in the data kept' }, 'http')).toBe('no body "V1" in the data kept');
      expect(refusalText({ error: 'no body "V1" in the data kept', reason: 'no-body' }, 'http')).toBe('no body "V1" in the data kept');
    }
    expect(httpFailureOf(null)).toBeNull();
    expect(httpFailureOf({ visits: [] })).toBeNull();
    expect(httpFailureOf({ error: 42 })).toBeNull();
    expect(httpFailureOf({ error: 'x', reason: 7, params: ['a'] })).toEqual({ error: 'x' });
    expect(httpFailureOf({ error: 'x', reason: 'no-body', params: { vin: 'V1' }, vin: 'V1' })).toEqual({ error: 'x', reason: 'no-body', params: { vin: 'V1' } });
  });

  it('[I18N15] a route\'s notes are worded from its facts: in English as the server says them, in Chinese with the count', async () => {
    const routes = new BodyRoutes({ maxVisits: 3 });
    // A body already in the plant when the data began, and one whose first two visits were dropped.
    routes.locate('EARLY', 'station', 'S1', 10, true);
    routes.locate('EARLY', 'station', 'S2', 20);
    for (let t = 0; t < 5; t++) routes.locate('LONG', 'station', t % 2 ? 'S1' : 'S2', 10 + t);
    const scene = tinyScene();
    const early = bodyRouteJson(routes.get('EARLY')!, scene, 30);
    const long = bodyRouteJson(routes.get('LONG')!, scene, 30);
    expect(long.droppedVisits).toBe(2);
    for (const json of [early, long]) {
      expect(json.notes).toHaveLength(1);
      expect(await inLanguage('en', () => routeNotes(json))).toEqual(json.notes);
    }
    const zh = await inLanguage('zh-CN', () => [...routeNotes(early), ...routeNotes(long)]);
    expect(zh[0]).toMatch(/[\u4e00-\u9fff]/);
    expect(zh[1]).toMatch(/[\u4e00-\u9fff]/);
    expect(zh[1]).toContain('2');
  });
});
