/** ExportPort over main/export (exportModel verifies every export before it returns). */
import { addArtifact } from '../../../store/index.ts';
import { exportModel, type ExportProgress } from '../../../export/export.ts';
import { runCardFacts, runValidationExamples } from '../../../export/run-facts.ts';
import type { ExportArtifact } from '../../types.ts';
import type { ExportPort } from '../core.ts';
import { trainedModelDir } from './model-of-run.ts';

// Rough share of the work done when each stage starts, for the progress bar.
const STAGE: Record<ExportProgress['stage'], number> = { loading: 0.05, exporting: 0.25, quantizing: 0.45, writing: 0.6, verifying: 0.7, done: 1 };

export const exportPort: ExportPort = {
  async exportRun(store, home, runId, format, folder, hooks) {
    const r = await exportModel(
      { modelDir: trainedModelDir(store, home, runId), format, out: folder, validation: runValidationExamples(store, runId), card: runCardFacts(store, runId) },
      { signal: hooks.signal, onProgress: (p) => hooks.onProgress({ phase: p.message || p.stage, fraction: STAGE[p.stage] }) },
    );
    addArtifact(store, { runId, kind: format, path: r.file, size: r.bytes, sha256: r.sha256 });
    const v = r.verification;
    const metric = v.metrics ? ` ${v.metrics.name}: ${v.metrics.inApp.toFixed(4)} in the app, ${v.metrics.exported.toFixed(4)} exported.` : '';
    const note = `Checked with ${v.loadedWith} on ${v.examples} ${v.labelled ? 'validation examples' : 'sample texts'}: ${(v.agreement * 100).toFixed(1)}% identical predictions.${metric}${r.warnings.length ? ' ' + r.warnings.join(' ') : ''}`;
    return { format, path: r.file, sizeBytes: r.bytes, verified: v.passed, maxDifference: v.maxDifference, note } satisfies ExportArtifact;
  },
};
