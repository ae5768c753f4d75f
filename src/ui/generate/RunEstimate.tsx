import { useMemo } from 'react';
import type { Runtime } from '../../models/backendChoice';
import type { DiffusionConfig } from '../../models/diffusionConfig';
import { familyByName } from '../../models/modelFamilies';
import { registryModel } from '../../models/modelRegistry';
import { maskSpans } from '../../syntax/maskSpans';
import { targetKeys } from '../../syntax/targets';
import { useAppState } from '../app/appStateStore';
import { useSourceAnalysis } from '../editor/useSourceAnalysis';
import { useFolder } from '../folder/folderStore';
import { passTimeKey, usePassTimes } from './passTimeStore';
import { estimateRun, estimateText } from './runEstimate';

export interface RunEstimateProps {
  /** The settings as validated; null while a field is wrong. */
  config: DiffusionConfig | null;
  /** Where the models run, once a warm-up or a run has said so. */
  runtime: Runtime | null;
}

/**
 * The forward passes and time one Generate of the ticked targets will take, shown before it starts,
 * so that a long file at the authors' exact settings on WASM says it takes minutes before the user
 * waits for them. An opened folder's batch is not estimated: its targets span files this page has
 * not analysed.
 */
export function RunEstimate({ config, runtime }: RunEstimateProps) {
  const state = useAppState();
  const folder = useFolder();
  const measured = usePassTimes((passTimes) => passTimes.measured);
  const analysis = useSourceAnalysis(state.text, state.fileName, state.languageOverride);
  const spanChars = useMemo(() => {
    const keys = targetKeys(analysis.outline);
    const ticked = analysis.outline.filter((_, i) => state.checked.includes(keys[i]!));
    if (!analysis.source || ticked.length === 0) return null;
    try {
      return maskSpans(analysis.source, ticked, state.mode).spans.map((span) => span.range.end - span.range.start);
    } catch {
      // Spans that cannot be masked get their message from the request panel; there is nothing to estimate.
      return null;
    }
  }, [analysis, state.checked, state.mode]);
  const folderActive = folder.repository !== null && folder.openPath === state.fileName;
  if (!config || !spanChars || folderActive) return null;
  const family = registryModel(config.model)?.family;
  const pass = runtime ? measured[passTimeKey(config.model, runtime.backend, runtime.precision)] : undefined;
  const estimate = estimateRun({ config, authors: family ? familyByName(family).sampler : null, spanChars, fileChars: state.text.length, measured: pass ?? null });
  return (
    <p className="muted small estimate" role="note" aria-label="Estimate">
      {estimateText(estimate, pass && runtime ? `${runtime.label.split(':')[0]}, ${runtime.precision}` : null)}
    </p>
  );
}
