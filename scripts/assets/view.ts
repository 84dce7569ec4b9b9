/**
 * Renders generated models to a PNG in headless Chromium (three.js + GLTFLoader + meshopt decoder),
 * to look at them without a browser. Not part of the tests.
 *
 *   npx tsx scripts/assets/view.ts --out /tmp/robots.png [--views iso,side] [--pose 0,-20,-30,0,-40,0]
 *       [--tool tool-spot-weld.glb] [--cols 3] [--size 480] [--dir assets/models] file.glb ...
 *
 * --pose sets the joint nodes (shoulder…wrist_3) of robot models, in degrees; --tool hangs a tool
 * model under each robot's `flange` node. Views: iso, iso-back, side, front, top, back.
 * --color #rrggbb recolours the `body_paint` material (as the client will per body).
 * --scene puts all files into one scene (one tile per view); place each with file.glb@x,y,z[,yawDeg].
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const out = opt('out', '/tmp/models.png');
const views = opt('views', 'iso').split(',');
const pose = opt('pose', '');
const color = opt('color', '');
const tool = opt('tool', '');
const cols = Number(opt('cols', '3'));
const size = Number(opt('size', '420'));
const dir = resolve(opt('dir', 'assets/models'));
const sceneMode = args.includes('--scene');
if (sceneMode) args.splice(args.indexOf('--scene'), 1);
const files = args;
if (files.length === 0) {
  console.error('usage: view.ts --out file.png file.glb ...');
  process.exit(2);
}

const threeRoot = resolve('node_modules/three');
const types: Record<string, string> = { '.js': 'text/javascript', '.html': 'text/html', '.glb': 'model/gltf-binary' };

const page = `<!doctype html><html><head><meta charset="utf-8"><style>body{margin:0;background:#20242a}#l{position:absolute;left:0;top:0;font:13px sans-serif;color:#ddd}
#l div{position:absolute;padding:4px;white-space:nowrap}</style>
<script type="importmap">{"imports":{"three":"/three/build/three.module.js","three/addons/":"/three/examples/jsm/"}}</script></head>
<body><div id="l"></div><script type="module">
import * as THREE from 'three';
import { GLTFLoader } from 'three/addons/loaders/GLTFLoader.js';
import { MeshoptDecoder } from 'three/addons/libs/meshopt_decoder.module.js';
import { RoomEnvironment } from 'three/addons/environments/RoomEnvironment.js';
const sceneMode = ${sceneMode};
const files = ${JSON.stringify(files)}, views = ${JSON.stringify(views)}, pose = ${JSON.stringify(pose)}, color = ${JSON.stringify(color)}, tool = ${JSON.stringify(tool)};
const cols = ${cols}, size = ${size};
const tiles = sceneMode ? views.map((v) => [files, v]) : files.flatMap((f) => views.map((v) => [[f], v]));
const rows = Math.ceil(tiles.length / cols);
const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
renderer.setSize(cols * size, rows * size);
renderer.setScissorTest(true);
renderer.toneMapping = THREE.ACESFilmicToneMapping;
document.body.appendChild(renderer.domElement);
const pmrem = new THREE.PMREMGenerator(renderer);
const env = pmrem.fromScene(new RoomEnvironment(), 0.04).texture;
const loader = new GLTFLoader().setMeshoptDecoder(MeshoptDecoder);
const load = (f) => new Promise((ok, err) => loader.load('/models/' + f, ok, undefined, err));
const toolScene = tool ? (await load(tool)).scene : null;
const joints = ['shoulder', 'upper_arm', 'elbow', 'wrist_1', 'wrist_2', 'wrist_3'];
const axes = ['y', 'z', 'z', 'x', 'z', 'x'];
const label = document.getElementById('l');
const dirs = { iso: [1, 0.7, 1.2], 'iso-back': [-1.1, 0.8, -1], side: [0, 0.15, 1], front: [1, 0.15, 0], back: [-1, 0.15, 0], top: [0.001, 1, 0.0001] };
for (let i = 0; i < tiles.length; i++) {
  const [fs, v] = tiles[i];
  const f = fs.length === 1 ? fs[0] : 'scene';
  const root = new THREE.Group();
  for (const spec of fs) {
    const [name, at] = spec.split('@');
    const obj = (await load(name)).scene;
    if (at) { const [x, y, z, yaw] = at.split(',').map(Number); obj.position.set(x, y, z); obj.rotation.y = ((yaw || 0) * Math.PI) / 180; }
    if (pose) {
      const q = pose.split(',').map((d) => (Number(d) * Math.PI) / 180);
      joints.forEach((n, j) => { const node = obj.getObjectByName(n); if (node) node.rotation[axes[j]] = q[j]; });
    }
    if (toolScene) { const fl = obj.getObjectByName('flange'); if (fl) fl.add(toolScene.clone()); }
    if (color) obj.traverse((o) => { if (o.material && o.material.name === 'body_paint') o.material.color.set(color); });
    root.add(obj);
  }
  const scene = new THREE.Scene();
  scene.environment = env;
  scene.background = new THREE.Color(0x2a2f36);
  scene.add(new THREE.HemisphereLight(0xffffff, 0x444444, 0.8));
  const sun = new THREE.DirectionalLight(0xffffff, 1.6); sun.position.set(3, 6, 4); scene.add(sun);
  scene.add(root);
  root.updateMatrixWorld(true);
  const bb = new THREE.Box3().setFromObject(root);
  const c = bb.getCenter(new THREE.Vector3()), s = bb.getSize(new THREE.Vector3());
  const grid = new THREE.GridHelper(Math.ceil(Math.max(s.x, s.z) + 2), Math.ceil(Math.max(s.x, s.z) + 2), 0x555555, 0x3a3a3a);
  scene.add(grid);
  const axesH = new THREE.AxesHelper(0.5); scene.add(axesH);
  const r = s.length() / 2;
  const d = new THREE.Vector3(...dirs[v]).normalize();
  const cam = new THREE.PerspectiveCamera(30, 1, 0.01, 200);
  cam.position.copy(c).addScaledVector(d, r / Math.sin((15 * Math.PI) / 180) * 1.02);
  cam.lookAt(c);
  const x = (i % cols) * size, y = (rows - 1 - Math.floor(i / cols)) * size;
  renderer.setViewport(x, y, size, size); renderer.setScissor(x, y, size, size);
  renderer.render(scene, cam);
  const el = document.createElement('div');
  el.style.left = (i % cols) * size + 'px'; el.style.top = Math.floor(i / cols) * size + 'px';
  el.textContent = f + ' ' + v + '  ' + s.x.toFixed(2) + '×' + s.y.toFixed(2) + '×' + s.z.toFixed(2);
  label.appendChild(el);
}
window.done = true;
</script></body></html>`;

const server = createServer((req, res) => {
  const url = decodeURIComponent((req.url ?? '/').split('?')[0]);
  let path: string | null = null;
  if (url === '/') {
    res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    return;
  }
  if (url.startsWith('/three/')) path = join(threeRoot, url.slice(7));
  else if (url.startsWith('/models/')) path = join(dir, url.slice(8));
  if (!path || !path.startsWith(threeRoot) && !path.startsWith(dir) || !existsSync(path) || !statSync(path).isFile()) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
  createReadStream(path).pipe(res);
});
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
const port = (server.address() as { port: number }).port;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking'],
});
try {
  const rows = Math.ceil(((sceneMode ? 1 : files.length) * views.length) / cols);
  const p = await browser.newPage({ viewport: { width: cols * size, height: rows * size } });
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await p.goto(`http://127.0.0.1:${port}/`);
  await p.waitForFunction(() => (window as unknown as { done?: boolean }).done === true || document.title === 'x', null, { timeout: 120_000 }).catch((e) => {
    throw new Error(`${e}\n${errors.join('\n')}`);
  });
  await p.screenshot({ path: out });
  if (errors.length) console.error(errors.join('\n'));
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.close();
}
