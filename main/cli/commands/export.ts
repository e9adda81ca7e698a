import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../command.ts';
import { UserError } from '../errors.ts';
import { choice, num, str } from '../parse.ts';
import { EXPORT_FORMATS, ExportRequestError, exportModel, type ExportResult } from '../../export/export.ts';
import type { CardFacts } from '../../export/model-card.ts';
import { runCardFacts, runValidationExamples } from '../../export/run-facts.ts';
import { addArtifact } from '../../store/index.ts';
import { DataFileError, readExamplesFromFile } from '../../train/read-examples.ts';
import { readStudioInfo, type StudioModelInfo } from '../../train/model-folder.ts';
import { FolderInfoError, inferFolderInfo } from '../../export/hf-folder-info.ts';
import { ModelFormatError } from '../../models/config.ts';
import { withStore } from './datasets.ts';
import { trainedModelDir } from './model-arg.ts';

function resultText(r: ExportResult): string {
  const v = r.verification;
  const lines = [`Exported ${r.format} to ${r.out} (${(r.bytes / 1e6).toFixed(1)} MB ${path.basename(r.file)}).`];
  lines.push(`Checked: ${v.examples} ${v.labelled ? 'validation examples' : 'probe texts'} through ${v.loadedWith === 'onnxruntime' ? 'ONNX Runtime' : 'the engine'}; max difference ${v.maxDifference.toExponential(2)}${v.tolerance !== null ? ` (allowed ${v.tolerance})` : ''}; ${(v.agreement * 100).toFixed(1)}% identical predictions.`);
  if (v.metrics) lines.push(`${v.metrics.name}: ${v.metrics.inApp.toFixed(4)} in the app, ${v.metrics.exported.toFixed(4)} exported (${v.metrics.change >= 0 ? '+' : ''}${(v.metrics.change * 100).toFixed(2)} points).`);
  if (r.quantization) lines.push(`int8: ${(r.quantization.bytesBefore / 1e6).toFixed(1)} MB → ${(r.quantization.bytesAfter / 1e6).toFixed(1)} MB (${(r.quantization.bytesBefore / r.quantization.bytesAfter).toFixed(1)}× smaller).`);
  return lines.join('\n');
}

function folderInfo(dir: string): StudioModelInfo {
  try {
    return inferFolderInfo(dir);
  } catch (err) {
    if (err instanceof FolderInfoError || err instanceof ModelFormatError) throw new UserError(err.message);
    throw err;
  }
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export a trained model to ONNX, int8 ONNX or a Hugging Face folder, checked against the in-app model',
  usage: '(--run ID | --model DIR) --format onnx|onnx-int8|hf --out DIR [--data FILE]',
  options: [
    { name: 'run', type: 'string', value: 'ID', help: 'A training run (its best model; its validation split checks the export)' },
    { name: 'model', type: 'string', value: 'DIR', help: 'A trained model folder: from BERT Studio, or any Hugging Face folder with a classification, token-classification or QA head' },
    { name: 'format', type: 'string', value: 'F', help: `${EXPORT_FORMATS.join(', ')}` },
    { name: 'out', type: 'string', value: 'DIR', help: 'Folder to write (model, tokenizer, labels.json, README.md)' },
    { name: 'data', type: 'string', value: 'FILE', help: 'Labelled examples to check the export on (default: the run’s validation split, else probe texts)' },
  ],
  async run(ctx, args) {
    const format = choice(args, 'format', EXPORT_FORMATS);
    if (!format) throw new UserError(`Option --format is required: one of ${EXPORT_FORMATS.join(', ')}.`);
    const out = str(args, 'out');
    if (!out) throw new UserError('Option --out DIR is required: the folder the export is written to.');
    const dir = await trainedModelDir(ctx, args);
    const runId = num(args, 'run', { min: 1, integer: true });
    const studio = readStudioInfo(dir);
    // A folder fine-tuned elsewhere: its task from config.json's architectures, its labels from id2label.
    const info = studio ?? folderInfo(dir);

    let validation: unknown[] = [];
    let card: CardFacts | undefined;
    const data = str(args, 'data');
    if (data) {
      const file = path.resolve(data);
      if (!fs.existsSync(file)) throw new UserError(`File ${file} does not exist; check the path.`);
      try {
        validation = (await readExamplesFromFile(file, info.task, ctx.signal)).examples;
      } catch (err) {
        if (err instanceof DataFileError) throw new UserError(err.message, err.details);
        throw err;
      }
    }
    if (runId !== undefined) {
      await withStore(ctx.home, (store) => {
        card = runCardFacts(store, runId);
        if (!data) validation = runValidationExamples(store, runId);
      });
    }
    if (!validation.length) ctx.out.info('No labelled validation examples: the export is checked on a few probe texts instead.');

    let result: ExportResult;
    try {
      result = await exportModel({ modelDir: dir, format, out, validation, ...(card ? { card } : {}), ...(studio ? {} : { info }) }, { onProgress: (p) => ctx.out.info(p.message), signal: ctx.signal });
    } catch (err) {
      if (err instanceof ExportRequestError) throw new UserError(err.message);
      throw err;
    }
    for (const w of result.warnings) ctx.out.warn(`Warning: ${w}`);
    if (runId !== undefined) {
      await withStore(ctx.home, (store) => addArtifact(store, { runId, kind: format, path: result.file, size: result.bytes, sha256: result.sha256 }));
    }
    ctx.out.result({ run: runId ?? null, model: dir, ...result }, () => resultText(result));
  },
};
