/**
 * Rendering quality from what the GPU is. A software rasteriser (SwiftShader, llvmpipe: headless browsers,
 * remote desktops, VMs) pays per pixel for shadows and multisampling, so it draws without them.
 * `?quality=high` or `?quality=low` in the URL overrides the guess.
 */
export type RenderQuality = { level: 'high' | 'low'; shadows: boolean; antialias: boolean; dpr: [number, number]; renderer: string };

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render|microsoft basic/i;

const RENDERER_KEY = 'linetwin:renderer';

/**
 * Asks the GPU its name from a throwaway WebGL context: costly on a software rasteriser (a whole context).
 * Run in a worker on an OffscreenCanvas where the browser has them, so the page's own thread goes on loading
 * the app meanwhile. Plain source, not a bundled module: it is small and starts without another request.
 */
const PROBE = `
let name = 'unknown';
try {
  const canvas = new OffscreenCanvas(1, 1);
  const gl = canvas.getContext('webgl2') || canvas.getContext('webgl');
  if (!gl) name = 'none';
  else {
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    name = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    const lose = gl.getExtension('WEBGL_lose_context');
    if (lose) lose.loseContext();
  }
} catch (e) {}
postMessage(name);
`;

function probeHere(): string {
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

function probeInWorker(): Promise<string> {
  if (typeof Worker === 'undefined' || typeof OffscreenCanvas === 'undefined') return Promise.resolve(probeHere());
  return new Promise((resolve) => {
    let worker: Worker;
    const url = URL.createObjectURL(new Blob([PROBE], { type: 'text/javascript' }));
    const done = (name: string) => {
      worker.terminate();
      URL.revokeObjectURL(url);
      // A worker without WebGL (some browsers offer no OffscreenCanvas context): ask here.
      resolve(name === 'unknown' || name === 'none' ? probeHere() : name);
    };
    try {
      worker = new Worker(url);
    } catch {
      URL.revokeObjectURL(url);
      return resolve(probeHere());
    }
    worker.onmessage = (e: MessageEvent) => done(String(e.data));
    worker.onerror = () => done('unknown');
  });
}

/** The GPU's name: remembered per browser, so a kiosk that reloads or a returning visitor does not ask again. */
export async function rendererName(): Promise<string> {
  try {
    const known = JSON.parse(localStorage.getItem(RENDERER_KEY) ?? 'null') as { ua?: string; name?: string } | null;
    if (known && known.ua === navigator.userAgent && typeof known.name === 'string') return known.name;
  } catch {
    // No storage (private mode) or a bad entry: ask the GPU.
  }
  const name = await probeInWorker();
  try {
    if (name !== 'unknown') localStorage.setItem(RENDERER_KEY, JSON.stringify({ ua: navigator.userAgent, name }));
  } catch {
    // Storage full or refused: probe again next time.
  }
  return name;
}

export function qualityFor(renderer: string, search = window.location.search): RenderQuality {
  const forced = new URLSearchParams(search).get('quality');
  const level = forced === 'high' || forced === 'low' ? forced : SOFTWARE.test(renderer) ? 'low' : 'high';
  return level === 'high'
    ? { level, shadows: true, antialias: true, dpr: [1, 2], renderer }
    : { level, shadows: false, antialias: false, dpr: [1, 1], renderer };
}

export async function chooseQuality(search = window.location.search): Promise<RenderQuality> {
  return qualityFor(await rendererName(), search);
}
