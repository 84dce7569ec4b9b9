/**
 * Side panel for the selected entity. React renders its fixed parts when the selection changes; the live
 * values are written into the DOM through refs by a 4 Hz loop, so streaming state causes no React commits.
 */
import { useEffect, useRef, type ReactNode, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { i18n, nameOf } from '../i18n/i18n.ts';
import { LocationKind } from '../../../protocol/codec.ts';
import { robotModels } from '../../../protocol/kinematics.ts';
import type { ResolvedScene } from '../../../protocol/scene.ts';
import { bodyModels, JOINT_COUNT, qualities, qualityCode, robotStates, stationStates, type Quality } from '../../../protocol/state.ts';
import type { LiveState } from '../live/live-state.ts';
import type { SceneLayout } from '../live/layout.ts';
import { inkOn, robotStateColor, staleIcon, stateIcon, stationStateColor, UNPAINTED_COLOR, STALE_COLOR } from '../palette.ts';
import { useTwin, type EntityKind, type Selection } from '../store/store.ts';
import { BodyRoutePanel } from './BodyRoutePanel.tsx';
import { formatDateTime } from './format.ts';
import { StationInsights } from './StationInsights.tsx';

const t = (key: string, options?: Record<string, unknown>): string => i18n.t(key, options ?? {});
const modelName = (model: string | undefined): string => (model ? t(`panel.model_${model}`, { defaultValue: model }) : '?');

type Props = { scene: ResolvedScene; layout: SceneLayout; live: LiveState };

const REFRESH_MS = 250;
const RAD = 180 / Math.PI;

/** Elements the live loop writes into; any may be absent for a kind. */
type LiveRefs = {
  state: HTMLSpanElement | null;
  swatch: HTMLSpanElement | null;
  quality: HTMLSpanElement | null;
  time: HTMLSpanElement | null;
  job: HTMLSpanElement | null;
  tool: HTMLSpanElement | null;
  joints: (HTMLTableCellElement | null)[];
  color: HTMLSpanElement | null;
  colorSwatch: HTMLSpanElement | null;
  location: HTMLSpanElement | null;
  model: HTMLSpanElement | null;
  gone: HTMLDivElement | null;
  stale: HTMLDivElement | null;
};

const emptyRefs = (): LiveRefs => ({ state: null, swatch: null, quality: null, time: null, job: null, tool: null, joints: [], color: null, colorSwatch: null, location: null, model: null, gone: null, stale: null });

function setText(el: Element | null, text: string): void {
  if (el && el.textContent !== text) el.textContent = text;
}

export function EntityPanel({ scene, layout, live }: Props) {
  // Re-renders the fixed parts on a language change; the live loop writes its words in the new language by itself.
  useTranslation();
  const selection = useTwin((s) => s.selection);
  const refs = useRef<LiveRefs>(emptyRefs());

  useEffect(() => {
    if (!selection) return;
    const update = () => writeLive(selection, refs.current, scene, layout, live);
    update();
    const id = window.setInterval(update, REFRESH_MS);
    return () => window.clearInterval(id);
  }, [selection, scene, layout, live]);

  if (!selection) return null;
  const r = refs.current;
  const close = () => useTwin.getState().select(null);
  return (
    <aside className="panel" data-testid="entity-panel" data-kind={selection.kind} aria-label={`${kindLabel(selection.kind)} ${selection.id}`}>
      <div className="panel-head">
        <div>
          <div className="panel-kind">{kindLabel(selection.kind)}</div>
          <h2 className="panel-title">{titleOf(selection, scene, live)}</h2>
          {selection.kind === 'body' && <span className="panel-id-label">VIN </span>}
          <code className="panel-id" data-testid="entity-id">
            {selection.id}
          </code>
        </div>
        <button type="button" className="panel-close" aria-label={t('common.close')} onClick={close}>
          ×
        </button>
      </div>
      <div className="panel-gone" ref={(el) => void (r.gone = el)} hidden>
        {t('panel.gone')}
      </div>
      <div className="panel-stale" data-testid="entity-stale" ref={(el) => void (r.stale = el)} hidden />
      <dl className="facts">
        {selection.kind !== 'body' && (
          <Fact label={t('panel.state')}>
            <span className="state-pill" ref={(el) => void (r.swatch = el)}>
              <span className="state-icon" aria-hidden="true" />
              <span data-testid="entity-state" ref={(el) => void (r.state = el)} />
            </span>
          </Fact>
        )}
        <StaticFacts selection={selection} scene={scene} refs={refs} />
        <Fact label={t('panel.quality')}>
          <span ref={(el) => void (r.quality = el)} />
        </Fact>
        <Fact label={t('panel.sourceTime')}>
          <span ref={(el) => void (r.time = el)} className="mono" />
        </Fact>
      </dl>
      {selection.kind === 'robot' && (
        <table className="joints" aria-label={t('panel.joints')}>
          <thead>
            <tr>
              {Array.from({ length: JOINT_COUNT }, (_, j) => (
                <th key={j}>J{j + 1}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr>
              {Array.from({ length: JOINT_COUNT }, (_, j) => (
                <td key={j} ref={(el) => void (r.joints[j] = el)} className="mono" />
              ))}
            </tr>
          </tbody>
        </table>
      )}
      {selection.kind === 'station' && <StationInsights key={selection.id} id={selection.id} />}
      {selection.kind === 'body' && <BodyRoutePanel key={selection.id} vin={selection.id} scene={scene} />}
    </aside>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function kindLabel(kind: EntityKind): string {
  return t(`panel.kind.${kind}`);
}

/** A robot model's name in the language shown (the kinematic tables' English name for one the dictionaries lack). */
function robotModelText(model: string): string {
  return t(`panel.robotModel.${model}`, { defaultValue: robotModels[model as keyof typeof robotModels]?.name ?? model });
}

function titleOf(sel: NonNullable<Selection>, scene: ResolvedScene, live: LiveState): string {
  if (sel.kind === 'station') {
    const s = scene.stations.find((x) => x.id === sel.id);
    return s ? nameOf(s) : sel.id;
  }
  if (sel.kind === 'robot') {
    const r = scene.robots.find((x) => x.id === sel.id);
    return r ? t('panel.robotTitle', { model: robotModelText(r.model) }) : sel.id;
  }
  // A body's style never changes, so reading it once when the panel opens is enough.
  const slot = live.bodySlotOf(sel.id);
  return slot >= 0 ? t('panel.bodyTitle', { model: modelName(bodyModels[live.bodyModel[slot]]) }) : t('panel.kind.body');
}

function StaticFacts({ selection, scene, refs }: { selection: NonNullable<Selection>; scene: ResolvedScene; refs: RefObject<LiveRefs> }) {
  const r = refs.current;
  if (selection.kind === 'station') {
    const s = scene.stations.find((x) => x.id === selection.id);
    if (!s) return null;
    const area = scene.areas.find((a) => a.id === s.area);
    return (
      <>
        <Fact label={t('panel.kindLabel')}>{t(`panel.stationKind.${s.kind}`, { defaultValue: s.kind })}</Fact>
        <Fact label={t('panel.area')}>{area ? nameOf(area) : s.area}</Fact>
        <Fact label={t('panel.cycleTime')}>{t('panel.nominal', { seconds: s.cycleTime })}</Fact>
        <Fact label={t('panel.currentJob')}>
          <span ref={(el) => void (r.job = el)} className="mono" />
        </Fact>
      </>
    );
  }
  if (selection.kind === 'robot') {
    const rb = scene.robots.find((x) => x.id === selection.id);
    if (!rb) return null;
    const st = scene.stations.find((x) => x.id === rb.station);
    const area = scene.areas.find((a) => a.id === st?.area);
    return (
      <>
        <Fact label={t('panel.kindLabel')}>
          {robotModelText(rb.model)} ({rb.model})
        </Fact>
        <Fact label={t('panel.station')}>{st ? `${st.id} · ${nameOf(st)}` : rb.station}</Fact>
        <Fact label={t('panel.area')}>{area ? nameOf(area) : '—'}</Fact>
        <Fact label={t('panel.tool')}>
          {t(`panel.toolKind.${rb.tool}`, { defaultValue: rb.tool })} · <span ref={(el) => void (r.tool = el)} />
        </Fact>
      </>
    );
  }
  return (
    <>
      <Fact label={t('panel.model')}>
        <span ref={(el) => void (r.model = el)} />
      </Fact>
      <Fact label={t('panel.colour')}>
        <span className="chip" ref={(el) => void (r.colorSwatch = el)} /> <span ref={(el) => void (r.color = el)} />
      </Fact>
      <Fact label={t('panel.location')}>
        <span ref={(el) => void (r.location = el)} />
      </Fact>
    </>
  );
}

function writeQuality(refs: LiveRefs, q: number, ts: number): void {
  const name: Quality = qualities[q] ?? 'bad';
  setText(refs.quality, t(`quality.${name}`));
  refs.quality?.classList.toggle('warn', name !== 'good');
  // The note says since when: the source time is the last report the state shown comes from.
  const note = refs.stale;
  if (!note) return;
  note.hidden = name === 'good';
  if (name === 'good') return;
  const since = ts > 0 ? formatDateTime(ts) : null;
  note.dataset.quality = name;
  setText(
    note,
    name === 'stale' ? t('panel.staleSince', { since: since ?? t('panel.theStart') }) : since ? t('panel.badSince', { since }) : t('panel.noData'),
  );
}

function writeState(refs: LiveRefs, word: string, color: string, good: boolean): void {
  const shown = t(`state.${word}`);
  setText(refs.state, shown);
  const pill = refs.swatch;
  if (!pill) return;
  const bg = good ? color : STALE_COLOR;
  if (pill.dataset.key !== `${shown}|${bg}`) {
    pill.dataset.key = `${shown}|${bg}`;
    pill.style.background = bg;
    pill.style.color = inkOn(bg);
    const icon = pill.firstElementChild as HTMLElement | null;
    if (icon) icon.innerHTML = good ? (stateIcon[word as keyof typeof stateIcon] ?? '') : staleIcon;
    pill.title = good ? shown : t('panel.lastKnown', { state: shown });
  }
}

function writeLive(sel: NonNullable<Selection>, refs: LiveRefs, scene: ResolvedScene, layout: SceneLayout, live: LiveState): void {
  if (sel.kind === 'station') {
    const i = layout.index.station.get(sel.id);
    if (i === undefined) return;
    const word = stationStates[live.stationState[i]] ?? 'off';
    const good = live.stationQuality[i] === qualityCode.good;
    writeState(refs, word, stationStateColor[word], good);
    writeQuality(refs, live.stationQuality[i], live.stationTs[i]);
    setText(refs.time, formatDateTime(live.stationTs[i]));
    const job = live.stationJob[i];
    setText(refs.job, job >= 0 ? (live.bodyIds[job] ?? '—') : t('panel.noJob'));
    return;
  }
  if (sel.kind === 'robot') {
    const i = layout.index.robot.get(sel.id);
    if (i === undefined) return;
    const word = robotStates[live.robotState[i]] ?? 'off';
    writeState(refs, word, robotStateColor[word], live.robotQuality[i] === qualityCode.good);
    writeQuality(refs, live.robotQuality[i], live.robotTs[i]);
    setText(refs.time, formatDateTime(live.robotTs[i]));
    setText(refs.tool, live.robotTool[i] === 1 ? t('panel.toolActive') : t('panel.toolIdle'));
    for (let j = 0; j < JOINT_COUNT; j++) setText(refs.joints[j] ?? null, `${(live.robotTarget[i * JOINT_COUNT + j] * RAD).toFixed(1)}°`);
    return;
  }
  const s = live.bodySlotOf(sel.id);
  const gone = s < 0;
  if (refs.gone) refs.gone.hidden = !gone;
  if (gone) {
    if (refs.stale) refs.stale.hidden = true;
    return;
  }
  setText(refs.model, modelName(bodyModels[live.bodyModel[s]]));
  const hex = live.bodyColorHex[s];
  const named = hex ? scene.mix.colors.find((c) => c.hex.toLowerCase() === hex.toLowerCase()) : undefined;
  setText(refs.color, hex ? (named ? `${nameOf(named)} (${hex})` : hex) : t('panel.unpainted'));
  if (refs.colorSwatch) refs.colorSwatch.style.background = hex ?? UNPAINTED_COLOR;
  writeQuality(refs, live.bodyQuality[s], live.bodyTs[s]);
  setText(refs.time, formatDateTime(live.bodyTs[s]));
  const kind = live.bodyLocKind[s];
  const li = live.bodyLocIndex[s];
  let where = t('panel.unknown');
  if (kind === LocationKind.station && scene.stations[li]) where = `${scene.stations[li].id} · ${nameOf(scene.stations[li])}`;
  else if (kind === LocationKind.conveyor && scene.conveyors[li]) {
    const c = scene.conveyors[li];
    where = t('panel.conveyor', { id: c.id, from: c.from, to: c.to, percent: Math.round(live.bodyProgress[s] * 100) });
  }
  setText(refs.location, where);
}
