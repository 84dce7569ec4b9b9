/**
 * State colours and icons, shared by the 3D view and the DOM so the legend always matches what is drawn.
 * Okabe–Ito colours: distinguishable with the common colour-vision deficiencies; every state also has an
 * icon and its name, so colour is never the only cue.
 */
import type { RobotState, StationState } from '../../protocol/state.ts';

export const stationStateColor: Record<StationState, string> = {
  working: '#009E73',
  starved: '#F0E442',
  blocked: '#E69F00',
  down: '#D55E00',
  setup: '#56B4E9',
  off: '#999999',
};

export const robotStateColor: Record<RobotState, string> = {
  working: '#009E73',
  idle: '#F0E442',
  down: '#D55E00',
  off: '#999999',
};

/** Shown instead of the state colour when the data quality is not good. */
export const STALE_COLOR = '#6f7782';
export const UNPAINTED_COLOR = '#c9ced4';

/**
 * Engineer-view overlays. Purple marks the bottleneck: no state colour and neither heatmap scale uses it,
 * so the marker stands out in every mode. Blue, the selection's colour, draws the followed body's route.
 */
export const BOTTLENECK_COLOR = '#8e24aa';
export const ROUTE_COLOR = '#1f6feb';
export const BUFFER_COLOR = '#3d5a80';
export const BUFFER_FULL_COLOR = '#b2182b';
export const BUFFER_TRACK_COLOR = '#8d99a6';

const svg = (body: string) =>
  `<svg viewBox="0 0 16 16" width="1em" height="1em" aria-hidden="true" focusable="false">${body}</svg>`;

/** Small inline SVG icons (no icon font to download, and they render with any system font). */
export const stateIcon: Record<StationState | RobotState, string> = {
  working: svg('<path d="M4 2.5v11l9-5.5z" fill="currentColor"/>'),
  starved: svg('<circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" stroke-width="2" stroke-dasharray="3 2.2"/>'),
  idle: svg('<circle cx="8" cy="8" r="5.5" fill="none" stroke="currentColor" stroke-width="2" stroke-dasharray="3 2.2"/>'),
  blocked: svg('<rect x="3" y="3" width="10" height="10" rx="1" fill="none" stroke="currentColor" stroke-width="2"/><path d="M3.5 12.5l9-9" stroke="currentColor" stroke-width="2"/>'),
  down: svg('<path d="M8 1.5l7 12.5H1z" fill="currentColor"/><path d="M8 6v4M8 11.5v1.2" stroke="#fff" stroke-width="1.6"/>'),
  setup: svg('<path d="M7 1.5h2l.4 2 1.6.7 1.7-1.2 1.4 1.4-1.2 1.7.7 1.6 2 .4v2l-2 .4-.7 1.6 1.2 1.7-1.4 1.4-1.7-1.2-1.6.7-.4 2H7l-.4-2-1.6-.7-1.7 1.2-1.4-1.4 1.2-1.7-.7-1.6-2-.4V7l2-.4.7-1.6-1.2-1.7 1.4-1.4 1.7 1.2 1.6-.7z" fill="currentColor"/><circle cx="8" cy="8" r="2.2" fill="#fff"/>'),
  off: svg('<path d="M8 1.5v6" stroke="currentColor" stroke-width="2" stroke-linecap="round"/><path d="M4.6 4a5.5 5.5 0 1 0 6.8 0" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>'),
};

export const staleIcon = svg('<circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" stroke-width="2"/><path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>');

/** Text colour that stays readable on a swatch of this background. */
export function inkOn(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const l = 0.2126 * ((n >> 16) & 255) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255);
  return l > 140 ? '#1b1f24' : '#ffffff';
}
