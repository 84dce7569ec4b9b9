/**
 * The UI dictionaries (client/src/i18n): English and Simplified Chinese hold the same keys and the same
 * {{placeholders}}, no text is empty, and the Chinese texts are Chinese (not English left untranslated).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../../client/src/i18n/en.ts';
import { zhCN } from '../../client/src/i18n/zh-CN.ts';
import { bootTexts } from '../../client/src/boot/boot-text.ts';
import { heatmapModes } from '../../client/src/store/heat-scale.ts';
import { robotModelIds, stationKinds, toolKinds } from '../../protocol/scene-kinds.ts';

type Tree = { [k: string]: string | Tree };
function flatten(t: Tree, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(t)) {
    if (typeof v === 'string') out[prefix + k] = v;
    else Object.assign(out, flatten(v, `${prefix}${k}.`));
  }
  return out;
}
const E = flatten(en as Tree);
const Z = flatten(zhCN as Tree);
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('UI dictionaries', () => {
  it('[I18N1] English and Chinese have the same keys and placeholders, and no empty text', () => {
    expect(Object.keys(Z).sort()).toEqual(Object.keys(E).sort());
    for (const k of Object.keys(E)) {
      expect(E[k].trim(), k).not.toBe('');
      expect(Z[k].trim(), k).not.toBe('');
      expect(placeholders(Z[k]), k).toEqual(placeholders(E[k]));
    }
  });

  it('[I18N2] Chinese texts are written in Chinese (a few brand and unit words excepted)', () => {
    const latinOnly = Object.entries(Z).filter(([, v]) => !/[\u3400-\u9fff]/.test(v)).map(([k]) => k);
    // Words that read the same in both languages.
    const same = new Set(['panel.model_suv', 'header.sourceKind.mqtt', 'header.sourceKind.sparkplug']);
    expect(latinOnly.filter((k) => !same.has(k))).toEqual([]);
  });

  it('[I18N3] every t(\'key\') the client uses exists in the dictionaries', () => {
    const root = path.resolve(import.meta.dirname, '../../client/src');
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (/\.tsx?$/.test(e.name) && !d.endsWith('i18n')) files.push(path.join(d, e.name));
      }
    };
    walk(root);
    const missing: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z]+\.[\w.]+)'/g)) if (!(m[1] in E)) missing.push(`${path.basename(f)}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });

  it('[I18N4] every heatmap mode has its name and meaning in the dictionaries (they are looked up by mode)', () => {
    for (const m of heatmapModes.filter((x) => x !== 'state')) for (const k of [`heat.${m}.label`, `heat.${m}.meaning`]) expect(E[k], k).toBeTruthy();
  });

  it('[I18N16] every station kind, robot tool, robot model and source kind the panels show has its words (looked up by value)', () => {
    const keys = [
      ...stationKinds.map((k) => `panel.stationKind.${k}`),
      ...toolKinds.map((k) => `panel.toolKind.${k}`),
      ...robotModelIds.map((k) => `panel.robotModel.${k}`),
      ...['simulator', 'replay', 'mqtt', 'sparkplug', 'none'].map((k) => `header.sourceKind.${k}`),
    ];
    expect(keys.filter((k) => !E[k])).toEqual([]);
  });

  it('[I18N5] the app shell\'s few words (shown before the dictionaries load) are the dictionaries\' own', () => {
    for (const [lang, dict] of [['en', E], ['zh-CN', Z]] as const) {
      expect(bootTexts[lang].plant, lang).toBe(dict['loading.plant']);
      expect(bootTexts[lang].codeFailed, lang).toBe(dict['loading.codeFailed']);
      expect(bootTexts[lang].reload, lang).toBe(dict['common.reload']);
    }
  });
});
