import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../command.ts';
import { UserError } from '../errors.ts';
import { str } from '../parse.ts';
import { FileProblem } from '../../data/problems.ts';
import { PredictInputError, predictFile, type PredictFileResult } from '../../export/predict-file.ts';
import { folderPredictor, onnxPredictor, type Predictor } from '../../export/predictor.ts';
import { readStudioInfo } from '../../train/model-folder.ts';
import { trainedModelDir } from './model-arg.ts';

async function openPredictor(ctx: Parameters<Command['run']>[0], args: Parameters<Command['run']>[1]): Promise<Predictor> {
  const onnx = str(args, 'onnx');
  if (onnx !== undefined) {
    if (str(args, 'run') !== undefined || str(args, 'model') !== undefined) throw new UserError('Choose one model: --run ID, --model DIR or --onnx FILE.');
    const file = path.resolve(onnx);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new UserError(`${file} does not exist; give the .onnx file of an export.`);
    return onnxPredictor(file);
  }
  const dir = await trainedModelDir(ctx, args);
  if (!readStudioInfo(dir)) throw new UserError(`${dir} was not trained by BERT Studio (no bert_studio.json), so its task and labels are unknown.`);
  return folderPredictor(dir);
}

export const predictCommand: Command = {
  name: 'predict',
  summary: 'Predict labels, entities or answers for every row of a file',
  usage: '(--run ID | --model DIR | --onnx FILE) --input FILE --output FILE.csv|FILE.jsonl [--text-col C]',
  options: [
    { name: 'run', type: 'string', value: 'ID', help: 'A training run (its best model)' },
    { name: 'model', type: 'string', value: 'DIR', help: 'A trained model folder' },
    { name: 'onnx', type: 'string', value: 'FILE', help: 'An exported .onnx file (its folder holds the tokenizer and labels)' },
    { name: 'input', type: 'string', value: 'FILE', help: 'Rows to predict: .csv (with a header), .xlsx, .jsonl, or .txt (one text per line); question answering reads question and context columns' },
    { name: 'text-col', type: 'string', value: 'C', help: 'The column with the text (default: text, sentence, … or the only column)' },
    { name: 'output', type: 'string', value: 'FILE', help: '.csv or .jsonl: the input columns plus the predictions' },
  ],
  async run(ctx, args) {
    const input = str(args, 'input');
    if (!input) throw new UserError('Option --input FILE is required: the rows to predict.');
    const output = str(args, 'output');
    if (!output) throw new UserError('Option --output FILE is required: a .csv or .jsonl file for the predictions.');
    const predictor = await openPredictor(ctx, args);
    let result: PredictFileResult;
    try {
      let last = 0;
      const textCol = str(args, 'text-col');
      result = await predictFile(predictor, { input, output, ...(textCol !== undefined ? { textColumn: textCol } : {}) }, {
        signal: ctx.signal,
        onProgress: (p) => {
          if (Date.now() - last < 2000) return;
          last = Date.now();
          // Spreadsheets are read whole before the first row, so only text formats report bytes.
          ctx.out.info(p.bytesRead > 0 && p.totalBytes > 0 ? `${p.rows} rows predicted (${Math.round((100 * p.bytesRead) / p.totalBytes)}% of the file read).` : `${p.rows} rows predicted.`);
        },
      });
    } catch (err) {
      if (err instanceof PredictInputError || err instanceof FileProblem) throw new UserError(err.message);
      throw err;
    } finally {
      await predictor.dispose();
    }
    for (const s of result.skipped.slice(0, 20)) ctx.out.warn(`Skipped: ${s.message}`);
    if (result.skipped.length > 20) ctx.out.warn(`… and ${result.skipped.length - 20} more rows skipped.`);
    ctx.out.result({ model: predictor.source, task: predictor.info.task, ...result }, () => `${result.rows} rows predicted with ${predictor.source} (${predictor.info.task}); written to ${result.output}.${result.skipped.length ? ` ${result.skipped.length} unreadable rows were skipped.` : ''}`);
  },
};
