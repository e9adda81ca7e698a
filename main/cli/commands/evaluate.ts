import path from 'node:path';
import type { Command } from '../command.ts';
import { UserError } from '../errors.ts';
import { choice, str } from '../parse.ts';
import { TASK_NAMES } from '../../tasks/registry.ts';
import { evaluateExamples } from '../../train/evaluate.ts';
import { DataFileError, readExamplesFromFile } from '../../train/read-examples.ts';
import { loadTrainedModel } from '../../train/trained-model.ts';
import { trainedModelDir } from './model-arg.ts';

export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: "Measure a trained model on a labelled data file with the task's metrics",
  usage: '(--run ID | --model DIR) --data FILE [--task T]',
  options: [
    { name: 'run', type: 'string', value: 'ID', help: 'A training run (its best model)' },
    { name: 'model', type: 'string', value: 'DIR', help: 'A trained model folder' },
    { name: 'data', type: 'string', value: 'FILE', help: 'Labelled data in any importable format' },
    { name: 'task', type: 'string', value: 'T', help: `${TASK_NAMES.join(', ')} (default: the model's own task)` },
  ],
  async run(ctx, args) {
    const data = str(args, 'data');
    if (!data) throw new UserError('Option --data FILE is required: the labelled examples to measure the model on.');
    const dir = await trainedModelDir(ctx, args);
    const taskOpt = choice(args, 'task', TASK_NAMES);
    const trained = await loadTrainedModel(dir, taskOpt ? { task: taskOpt } : undefined);
    try {
      if (taskOpt && taskOpt !== trained.info.task) throw new UserError(`The model was trained for ${trained.info.task}, not ${taskOpt}.`);
      let examples: unknown[];
      try {
        examples = (await readExamplesFromFile(path.resolve(data), trained.info.task, ctx.signal)).examples;
      } catch (err) {
        if (err instanceof DataFileError) throw new UserError(err.message, err.details);
        throw err;
      }
      const features = trained.task.features(examples, trained.tokenizer, { maxLength: trained.info.maxLength, labels: trained.info.labels, truncation: trained.info.truncation });
      const head = trained.task.headSpec(trained.info.labels);
      const r = await evaluateExamples(trained.model, trained.task, examples, features, { padId: trained.tokenizer.special.pad.id, head, batchSize: 64, decode: trained.decode, signal: ctx.signal });
      ctx.out.result({ model: dir, task: trained.info.task, examples: examples.length, metrics: r.metrics }, () =>
        [`${examples.length} examples, ${trained.info.task}:`, ...Object.entries(r.metrics).map(([k, v]) => `  ${k.padEnd(20)} ${v.toFixed(4)}`)].join('\n'),
      );
    } finally {
      await trained.dispose();
    }
  },
};
