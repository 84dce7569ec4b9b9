/**
 * Rendering quality from what the GPU is. A software rasteriser (SwiftShader, llvmpipe: headless browsers,
 * remote desktops, VMs) pays per pixel for shadows and multisampling, so it draws without them.
 * `?quality=high` or `?quality=low` in the URL overrides the guess.
 *
 * The GPU's name is read from the 3D view's own WebGL context and remembered per browser. Before it is
 * known (a first visit) the view starts in low quality: a software rasteriser then keeps that context, the
 * only one it creates; a GPU shows it is one, and the view starts over in high quality (App.tsx). A
 * throwaway context to ask first would cost a whole context on a software rasteriser, where it is slowest.
 */
export type RenderQuality = { level: 'high' | 'low'; shadows: boolean; antialias: boolean; dpr: [number, number]; renderer: string };

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render|microsoft basic/i;

/** Whether `renderer` (a WebGL renderer's name) is a rasteriser on the CPU rather than a GPU. */
export function isSoftwareRenderer(renderer: string): boolean {
  return SOFTWARE.test(renderer);
}

const RENDERER_KEY = 'linetwin:renderer';

/** The GPU's name as remembered by this browser, null when not known yet. */
export function knownRenderer(): string | null {
  try {
    const known = JSON.parse(localStorage.getItem(RENDERER_KEY) ?? 'null') as { ua?: string; name?: string } | null;
    if (known && known.ua === navigator.userAgent && typeof known.name === 'string') return known.name;
  } catch {
    // No storage (private mode) or a bad entry: not known.
  }
  return null;
}

export function rememberRenderer(name: string): void {
  try {
    localStorage.setItem(RENDERER_KEY, JSON.stringify({ ua: navigator.userAgent, name }));
  } catch {
    // Storage full or refused: read from the context again next time.
  }
}

export function rendererOf(gl: WebGLRenderingContext | WebGL2RenderingContext): string {
  try {
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    return String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  } catch {
    return 'unknown';
  }
}

function forcedLevel(search: string): 'high' | 'low' | null {
  const forced = new URLSearchParams(search).get('quality');
  return forced === 'high' || forced === 'low' ? forced : null;
}

function qualityOf(level: 'high' | 'low', renderer: string): RenderQuality {
  return level === 'high'
    ? { level, shadows: true, antialias: true, dpr: [1, 2], renderer }
    : { level, shadows: false, antialias: false, dpr: [1, 1], renderer };
}

export function qualityFor(renderer: string, search = window.location.search): RenderQuality {
  return qualityOf(forcedLevel(search) ?? (isSoftwareRenderer(renderer) ? 'low' : 'high'), renderer);
}

/**
 * The quality to start the 3D view in, and whether it is provisional: true while the GPU's name is unknown
 * (and the URL forces no level), to be settled by the view's own context with qualityFor(rendererOf(gl)).
 */
export function startupQuality(search = window.location.search): { quality: RenderQuality; provisional: boolean } {
  const known = knownRenderer();
  const forced = forcedLevel(search);
  if (forced) return { quality: qualityOf(forced, known ?? 'unknown'), provisional: false };
  if (known) return { quality: qualityFor(known, search), provisional: false };
  return { quality: qualityOf('low', 'unknown'), provisional: true };
}
