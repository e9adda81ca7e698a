import path from 'node:path';
import type { Command } from '../command.ts';
import { UserError } from '../errors.ts';
import { num, str } from '../parse.ts';
import { baselineAdvice, baselineShortName } from '../../baseline/advice.ts';
import { BaselineExportError, exportBaseline } from '../../baseline/export-baseline.ts';
import { baselineReport } from '../../baseline/for-run.ts';
import { runCardFacts, runValidationExamples } from '../../export/run-facts.ts';
import { getBaseline, getRun } from '../../store/index.ts';
import { TASKS } from '../../tasks/registry.ts';
import { withStore } from './datasets.ts';

function line(m: Record<string, number> | undefined): string {
  return m ? Object.entries(m).filter(([k]) => k !== 'loss').map(([k, x]) => `${k} ${x.toFixed(4)}`).join(', ') : '-';
}

export const baselineCommand: Command = {
  name: 'baseline',
  summary: "Show a run's baseline next to its model, or export the baseline to ONNX (checked in ONNX Runtime)",
  usage: '--run ID [--export DIR]',
  options: [
    { name: 'run', type: 'string', value: 'ID', help: 'A training run (bert-studio runs)' },
    { name: 'export', type: 'string', value: 'DIR', help: 'Write the keyword baseline as ONNX (model.onnx, words.txt, labels.json, README.md) to this folder' },
  ],
  async run(ctx, args) {
    const runId = num(args, 'run', { min: 1, integer: true });
    if (runId === undefined) throw new UserError("Option --run ID is required: the run whose baseline to show (list runs with 'bert-studio runs').");
    const out = str(args, 'export');
    const facts = await withStore(ctx.home, (store) => {
      const run = getRun(store, runId);
      if (!run) throw new UserError(`There is no run ${runId}; list runs with 'bert-studio runs'.`);
      const baseline = getBaseline(store, runId);
      if (!baseline) throw new UserError(`Run ${runId} has no baseline yet (it is trained when the run starts); start or resume the run first.`);
      return { run, baseline, card: runCardFacts(store, runId), validation: out ? runValidationExamples(store, runId) : [] };
    });
    const { run, baseline, card } = facts;
    const monitor = run.bestMetricName ?? TASKS[run.task].monitor;
    const scratch = run.baseModel.startsWith('from-scratch');
    const advice = baselineAdvice({ kind: baseline.kind, metric: monitor, model: card.metrics?.validation?.[monitor], baseline: baseline.validation[monitor], scratch, exportable: baseline.modelPath !== null });
    if (!out) {
      ctx.out.result({ run: runId, metrics: card.metrics ?? null, baseline: baselineReport(baseline), ...(advice ? { advice } : {}) }, () =>
        [`Run ${runId} (${run.task}, ${run.baseModel}): validation ${line(card.metrics?.validation)}`, `${baselineShortName(baseline.kind)}: validation ${line(baseline.validation)}; test ${line(baseline.test ?? undefined)}`, ...(advice ? [advice] : [])].join('\n'),
      );
      return;
    }
    if (baseline.modelPath === null || (run.task !== 'classification' && run.task !== 'intent')) throw new UserError(`The ${baselineShortName(baseline.kind)} of run ${runId} is a rule over the training data, not a model file: only the keyword baseline of classification and intent runs can be exported.`);
    try {
      const result = await exportBaseline({ task: run.task, modelDir: baseline.modelPath, out: path.resolve(out), validation: facts.validation, baseline: { validation: baseline.validation, ...(baseline.test ? { test: baseline.test } : {}) }, bert: { ...(card.baseModel ? { baseModel: card.baseModel } : {}), ...(card.metrics ? { metrics: card.metrics } : {}) } });
      const v = result.verification;
      ctx.out.result({ run: runId, ...result }, () => `Exported the keyword baseline to ${result.out} (${(result.bytes / 1e6).toFixed(1)} MB model.onnx).\nChecked: ${v.examples} ${v.labelled ? 'validation examples' : 'probe texts'} through ONNX Runtime; max difference ${v.maxDifference.toExponential(2)} (allowed ${v.tolerance}); ${(v.agreement * 100).toFixed(1)}% identical predictions.`);
    } catch (err) {
      if (err instanceof BaselineExportError) throw new UserError(err.message);
      throw err;
    }
  },
};
