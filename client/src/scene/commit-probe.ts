/**
 * Counts commits of the 3D tree for the test hook. The <Profiler> around the app cannot see this tree: it
 * is rendered by react-three-fiber's own reconciler, whose production build never calls onRender. A layout
 * effect without dependencies runs after every commit in which its component rendered.
 */
import { useLayoutEffect } from 'react';
import { countCommit } from '../test-hook.ts';

export function useCommitProbe(): void {
  useLayoutEffect(() => {
    countCommit();
  });
}
