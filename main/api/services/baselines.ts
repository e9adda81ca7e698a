// Exporting a run's keyword baseline from the UI: the same export and check as
// `bert-studio baseline --export`, into the run's export folder unless the user chose one.
import fs from 'node:fs';
import path from 'node:path';
import type { ApiHandlers } from '../dispatch.ts';
import { ApiFailure, notFound } from '../errors.ts';
import { exportBaseline } from '../../baseline/export-baseline.ts';
import { runCardFacts, runValidationExamples } from '../../export/run-facts.ts';
import { getBaseline, getRun } from '../../store/index.ts';
import type { ServiceContext } from './context.ts';
import { defaultExportFolder } from './exports.ts';

type BaselineHandlers = Pick<ApiHandlers, 'export.baseline'>;

export function baselinesService(ctx: ServiceContext): BaselineHandlers {
  return {
    'export.baseline': async ({ runId, folder }) => {
      const r = getRun(ctx.store, runId);
      if (!r) throw notFound('This run');
      const b = getBaseline(ctx.store, runId);
      if (!b) throw new ApiFailure('conflict', `Run ${runId} has no baseline yet: it is trained when the run starts.`);
      if (b.modelPath === null || (r.task !== 'classification' && r.task !== 'intent')) throw new ApiFailure('conflict', 'Only the keyword baseline of classification and intent runs can be exported; this baseline is a rule over the training data.');
      const out = path.resolve(folder ?? path.join(defaultExportFolder(ctx.home, runId), 'baseline-onnx'));
      const card = runCardFacts(ctx.store, runId);
      const result = await exportBaseline({ task: r.task, modelDir: b.modelPath, out, validation: runValidationExamples(ctx.store, runId), baseline: { validation: b.validation, ...(b.test ? { test: b.test } : {}) }, bert: { ...(card.baseModel ? { baseModel: card.baseModel } : {}), ...(card.metrics ? { metrics: card.metrics } : {}) } });
      const v = result.verification;
      return { path: result.out, files: result.files, sizeBytes: fs.statSync(result.file).size, checked: `Checked in ONNX Runtime on ${v.examples} ${v.labelled ? 'validation examples' : 'probe texts'}: scores within ${v.maxDifference.toExponential(1)} of the app's, ${(v.agreement * 100).toFixed(0)}% identical predictions.` };
    },
  };
}
