/**
 * Rendering quality from what the GPU is. A software rasteriser (SwiftShader, llvmpipe: headless browsers,
 * remote desktops, VMs) pays per pixel for shadows and multisampling, so it draws without them.
 * `?quality=high` or `?quality=low` in the URL overrides the guess.
 */
export type RenderQuality = { level: 'high' | 'low'; shadows: boolean; antialias: boolean; dpr: [number, number]; renderer: string };

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render|microsoft basic/i;

const RENDERER_KEY = 'linetwin:renderer';

/**
 * The GPU's name, from a throwaway WebGL context (costly on a software rasteriser: a whole context). It is
 * remembered per browser, so a kiosk that reloads or a returning visitor does not pay for it again.
 */
export function rendererName(): string {
  try {
    const known = JSON.parse(localStorage.getItem(RENDERER_KEY) ?? 'null') as { ua?: string; name?: string } | null;
    if (known && known.ua === navigator.userAgent && typeof known.name === 'string') return known.name;
  } catch {
    // No storage (private mode) or a bad entry: ask the GPU.
  }
  const name = probeRenderer();
  try {
    if (name !== 'unknown') localStorage.setItem(RENDERER_KEY, JSON.stringify({ ua: navigator.userAgent, name }));
  } catch {
    // Storage full or refused: probe again next time.
  }
  return name;
}

function probeRenderer(): string {
  try {
    const canvas = document.createElement('canvas');
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) return 'none';
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return name;
  } catch {
    return 'unknown';
  }
}

export function chooseQuality(search = window.location.search): RenderQuality {
  const renderer = rendererName();
  const forced = new URLSearchParams(search).get('quality');
  const level = forced === 'high' || forced === 'low' ? forced : SOFTWARE.test(renderer) ? 'low' : 'high';
  return level === 'high'
    ? { level, shadows: true, antialias: true, dpr: [1, 2], renderer }
    : { level, shadows: false, antialias: false, dpr: [1, 1], renderer };
}
