/**
 * A plain element over the canvas that names something in the 3D view: placed in useFrame by projecting
 * a point of the scene, so it needs no React root of its own and costs no React render. It stays whole
 * on screen (a point near an edge pulls the tag in rather than cutting it off) and touches the page only
 * when its text, visibility or pixel position changes. (A plain element rather than drei's Html: that
 * one's inner root can come up empty when the canvas content suspends while models load.)
 */
import { useEffect, useMemo } from 'react';
import { useThree } from '@react-three/fiber';
import { Vector3, type Camera } from 'three';

const MARGIN = 8;
const projected = new Vector3();

export class ScreenTag {
  readonly el: HTMLDivElement;
  private shown = false;
  private halfWidth = 0;
  private px = NaN;
  private py = NaN;

  constructor(className: string, testId: string) {
    this.el = document.createElement('div');
    this.el.className = className;
    this.el.dataset.testid = testId;
    this.el.style.cssText = 'position:absolute;left:0;top:0;pointer-events:none;visibility:hidden;z-index:5;';
  }

  /** New words; the width is measured here, once per text, not per frame. */
  setText(text: string): void {
    this.el.textContent = text;
    this.halfWidth = this.el.offsetWidth / 2;
    this.px = NaN;
  }

  hide(): void {
    this.show(false);
  }

  /**
   * Puts the tag's bottom centre at the world point (x, y, z) as `camera` sees it on `canvas`; hides it
   * when the point is behind the camera or (with `within`) that far outside the view in clip space.
   */
  place(x: number, y: number, z: number, camera: Camera, canvas: HTMLCanvasElement, within = Infinity): void {
    const p = projected.set(x, y, z).project(camera);
    const onScreen = p.z > -1 && p.z < 1 && Math.abs(p.x) <= within && Math.abs(p.y) <= within;
    this.show(onScreen);
    if (!onScreen) return;
    const w = canvas.clientWidth;
    const edge = this.halfWidth + MARGIN;
    const sx = ((p.x + 1) / 2) * w;
    const px = Math.round(edge * 2 >= w ? w / 2 : Math.min(Math.max(sx, edge), w - edge));
    const py = Math.round(((1 - p.y) / 2) * canvas.clientHeight);
    if (px === this.px && py === this.py) return;
    this.px = px;
    this.py = py;
    this.el.style.transform = `translate(${px}px, ${py}px) translate(-50%, -100%)`;
  }

  private show(on: boolean): void {
    if (on === this.shown) return;
    this.shown = on;
    this.el.style.visibility = on ? 'visible' : 'hidden';
  }
}

/** A ScreenTag over this canvas for the component's lifetime. */
export function useScreenTag(className: string, testId: string): ScreenTag {
  const gl = useThree((s) => s.gl);
  const tag = useMemo(() => new ScreenTag(className, testId), [className, testId]);
  useEffect(() => {
    gl.domElement.parentElement?.appendChild(tag.el);
    return () => tag.el.remove();
  }, [gl, tag]);
  return tag;
}
