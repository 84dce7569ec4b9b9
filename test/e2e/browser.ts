/**
 * Real headless Chromium for end-to-end tests: Debian's `chromium` package driven by playwright-core
 * (playwright's own browser download cannot run here). Finds the browser, installs it with apt when
 * running as root, and otherwise says exactly what to do.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter(Boolean) as string[];

/** Flags every launch gets: no network of its own, no first-run screens. */
const BASE_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** WebGL in software (SwiftShader), the same on every machine: what the tests and the benchmarks use by default. */
const SOFTWARE_ARGS = [...BASE_ARGS, '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];

/**
 * How the browser draws WebGL. `gpu`: the machine's own GPU (headless Chromium otherwise forces SwiftShader),
 * with vsync and the frame-rate limit off so frame times are the GPU's and not the display's 16.7 ms; `auto`
 * (the benchmarks' choice, benchBrowser) tries that and falls back to software. `angle` picks ANGLE's backend
 * (vulkan, gl, gl-egl…) where Chromium's own choice finds no GPU; `headed` opens a window (a desktop's
 * display), where headless Chromium cannot reach the GPU at all.
 */
export type BrowserMode = { gpu: boolean | 'auto'; angle?: string; headed?: boolean };

const SOFTWARE_WEBGL: BrowserMode = { gpu: false };

export function chromiumArgs(mode: BrowserMode): string[] {
  if (mode.gpu === false) return SOFTWARE_ARGS;
  return [...BASE_ARGS, '--enable-gpu', '--ignore-gpu-blocklist', '--disable-gpu-vsync', '--disable-frame-rate-limit', ...(mode.angle ? [`--use-angle=${mode.angle}`] : [])];
}

export function findChromium(): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && spawnSync('which', ['apt-get']).status === 0) {
    console.log('[e2e] Chromium not found: installing Debian packages chromium and fonts-noto-cjk with apt-get…');
    execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk'], { stdio: 'inherit' });
    const now = CANDIDATES.find((p) => existsSync(p));
    if (now) return now;
  }
  throw new Error(
    'End-to-end tests need Chromium and none was found.\n' +
      '  Debian/Ubuntu: sudo apt-get install chromium fonts-noto-cjk\n' +
      '  Elsewhere: install Chromium or Chrome and set CHROMIUM_PATH=/path/to/chrome',
  );
}

export async function launchChromium(mode: BrowserMode = SOFTWARE_WEBGL): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: chromiumArgs(mode), headless: !mode.headed });
}

/**
 * The name of what draws WebGL in this browser (WEBGL_debug_renderer_info), read from a throwaway context on
 * a blank page: "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device …))" in software, the GPU's name on a GPU.
 */
export async function webglRenderer(browser: Browser): Promise<string> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    return await page.evaluate(`(() => {
      const gl = document.createElement('canvas').getContext('webgl2') || document.createElement('canvas').getContext('webgl');
      if (!gl) return 'no WebGL';
      const info = gl.getExtension('WEBGL_debug_renderer_info');
      const name = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
      gl.getExtension('WEBGL_lose_context')?.loseContext();
      return name;
    })()`) as string;
  } finally {
    await context.close();
  }
}
