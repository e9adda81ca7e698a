import type { ApiHandlers } from '../dispatch.ts';
import { ApiFailure, notFound } from '../errors.ts';
import type { Evaluation, SplitName } from '../types.ts';
import { getBaseline, getRun } from '../../store/index.ts';
import { evaluationBaseline } from './baseline-info.ts';
import type { ServiceContext } from './context.ts';
import type { EvaluationPort, PredictPort } from './core.ts';
import { need } from './need.ts';

type ResultHandlers = Pick<ApiHandlers, 'evaluation.get' | 'evaluation.cell' | 'predict.run'>;

/** A run must have finished (or been stopped with its best weights kept) to be evaluated or tried. */
function finishedRun(ctx: ServiceContext, runId: number) {
  const r = getRun(ctx.store, runId);
  if (!r) throw notFound('This run');
  if (r.status !== 'completed') throw new ApiFailure('conflict', `Run ${runId} is ${r.status}; evaluation and predictions need a run that has finished training.`);
  return r;
}

/** Evaluation of a finished run on a split, and single predictions ("Try it"). */
export function resultsService(ctx: ServiceContext, evaluation: EvaluationPort | undefined, predict: PredictPort | undefined): ResultHandlers {
  // Evaluating a split runs the model over it: cache per run and split, it does not change.
  const cache = new Map<string, Promise<Evaluation>>();
  return {
    'evaluation.get': ({ runId, split }) => {
      const ev = need(evaluation, 'Evaluation', 'main/train evaluateRun');
      const run = finishedRun(ctx, runId);
      const s: SplitName = split ?? 'test';
      const key = `${runId}:${s}`;
      let p = cache.get(key);
      if (!p) {
        // The baseline's number on the same split goes beside the headline (issue 15).
        p = ev.evaluate(ctx.store, ctx.home, runId, s).then((e) => {
          const b = getBaseline(ctx.store, runId);
          const cmp = b && evaluationBaseline(e, run, b, s);
          return cmp ? { ...e, baseline: cmp } : e;
        });
        cache.set(key, p);
        p.then(() => ctx.events.emit('evaluation.ready', { runId, split: s })).catch(() => cache.delete(key));
      }
      return p;
    },
    'evaluation.cell': ({ runId, split, gold, predicted, limit }) => {
      const ev = need(evaluation, 'Evaluation', 'main/train evaluateRun');
      finishedRun(ctx, runId);
      return ev.cell(ctx.store, ctx.home, runId, split ?? 'test', gold, predicted, limit ?? 50);
    },
    'predict.run': ({ runId, text, question, context }) => {
      const pr = need(predict, 'Trying the model', 'main/train predictRun');
      const r = finishedRun(ctx, runId);
      if (r.task === 'qa' ? !(question && context) : !text) {
        throw new ApiFailure('invalid_request', r.task === 'qa' ? 'Type a question and paste the context to search for the answer.' : 'Type or paste some text to try the model on.');
      }
      return pr.predict(ctx.store, ctx.home, runId, { text, question, context });
    },
  };
}
