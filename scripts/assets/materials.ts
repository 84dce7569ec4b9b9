/**
 * PBR materials (glTF metal/roughness). Colours are written as sRGB hex here and converted to the
 * linear factors glTF expects.
 */
export type MaterialSpec = {
  color: string;
  metallic: number;
  roughness: number;
  alpha?: number;
  emissive?: string;
  doubleSided?: boolean;
};

export const materials = {
  /** Robot paint (industrial orange). */
  robot_orange: { color: '#e05a0c', metallic: 0, roughness: 0.38 },
  /** Motors, covers, bearings, cable boxes. */
  dark_grey: { color: '#34373c', metallic: 0.25, roughness: 0.55 },
  /** Machined steel: flanges, rods, pins, rollers. */
  steel: { color: '#b4b8be', metallic: 1, roughness: 0.32 },
  /** Structural steel, darker: runners, frames, beds. */
  steel_dark: { color: '#5c6066', metallic: 0.85, roughness: 0.5 },
  aluminium: { color: '#c9ccd0', metallic: 1, roughness: 0.42 },
  copper: { color: '#c47a45', metallic: 1, roughness: 0.3 },
  rubber: { color: '#151516', metallic: 0, roughness: 0.92 },
  plastic_black: { color: '#1c1d20', metallic: 0.05, roughness: 0.55 },
  /** Car paint, overridden per body instance; double-sided so the inside of the shell shows through the windows. */
  body_paint: { color: '#d9dbde', metallic: 0.4, roughness: 0.3, doubleSided: true },
  /** Body in white: bare galvanised steel. */
  body_bare: { color: '#8d9196', metallic: 0.85, roughness: 0.45, doubleSided: true },
  glass: { color: '#26323b', metallic: 0, roughness: 0.04, alpha: 0.45, doubleSided: true },
  head_light: { color: '#a9b4bc', metallic: 0.8, roughness: 0.08, emissive: '#30343a' },
  tail_light: { color: '#8c0b0b', metallic: 0, roughness: 0.15, emissive: '#3a0000' },
  interior: { color: '#2a2b2e', metallic: 0, roughness: 0.85 },
  safety_yellow: { color: '#f0b90b', metallic: 0, roughness: 0.5 },
  fence_mesh: { color: '#2b2d30', metallic: 0.3, roughness: 0.6, alpha: 0.4, doubleSided: true },
  machine_blue: { color: '#2f4b6e', metallic: 0.1, roughness: 0.5 },
  clamp_red: { color: '#b02a20', metallic: 0, roughness: 0.45 },
  booth_white: { color: '#e6e9eb', metallic: 0, roughness: 0.6, doubleSided: true },
  booth_glass: { color: '#cfe2ec', metallic: 0, roughness: 0.05, alpha: 0.18, doubleSided: true },
  grating: { color: '#3b3e42', metallic: 0.6, roughness: 0.7 },
  light_panel: { color: '#f4f7fa', metallic: 0, roughness: 0.3, emissive: '#e8eef5' },
  agv_grey: { color: '#9aa0a6', metallic: 0.2, roughness: 0.5 },
} satisfies Record<string, MaterialSpec>;

export type MaterialName = keyof typeof materials;

/** sRGB '#rrggbb' → linear [r, g, b], rounded to 4 decimals (stable JSON). */
export function linear(hex: string): [number, number, number] {
  const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const lin = c.map((v) => (v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return lin.map((v) => Math.round(v * 1e4) / 1e4) as [number, number, number];
}
