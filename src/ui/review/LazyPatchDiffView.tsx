import { lazy, Suspense } from 'react';
import type { PatchDiffViewProps } from './PatchDiffView';

// Monaco's diff editor loads with the first result, not with the page.
const PatchDiffView = lazy(async () => ({ default: (await import('./PatchDiffView')).PatchDiffView }));

/** The diff view, loaded on first use, with a line saying so meanwhile. */
export function LazyPatchDiffView(props: PatchDiffViewProps) {
  return (
    <Suspense fallback={<p className="loading">Loading the diff…</p>}>
      <PatchDiffView {...props} />
    </Suspense>
  );
}
