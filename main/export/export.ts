// exportModel: a trained model folder → ONNX (fp32 or int8) or a Hugging Face folder, with
// tokenizer files, labels.json and a model card beside it. The export is written to a
// temporary folder, loaded back and checked against the in-app model, and only then moved to
// `out`: a failed check leaves nothing behind that looks like a finished export.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeSafetensors } from '../models/safetensors.ts';
import { tokenizerJsonFromFiles } from '../text/tokenizer-json-write.ts';
import { copyTokenizerFiles } from '../train/prepare.ts';
import { STUDIO_FILE, type StudioModelInfo } from '../train/model-folder.ts';
import { loadTrainedModel, type TrainedModel } from '../train/trained-model.ts';
import { FAMILIES } from '../models/families.ts';
import { architectureName, trainedConfig } from './hf-config.ts';
import { examplesFor, probeInputs } from './inputs.ts';
import { modelCard, type CardFacts } from './model-card.ts';
import { exportMetadata } from './onnx-metadata.ts';
import { enginePredictor, folderPredictor, onnxPredictor, type Predictor } from './predictor.ts';
import { quantizeOnnx, type QuantizeReport } from './quantize.ts';
import { shareableFacts, withoutPaths } from './shareable.ts';
import { compareModels, INT8_METRIC_DROP_WARNING, INT8_METRIC_EXAMPLES, VERIFY_EXAMPLES, type Verification } from './verify.ts';

export type ExportFormat = 'onnx' | 'onnx-int8' | 'hf';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['onnx', 'onnx-int8', 'hf'];

export interface ExportOptions {
  /** A trained model folder (config.json, model.safetensors, tokenizer, bert_studio.json). */
  modelDir: string;
  format: ExportFormat;
  /** The folder to write; replaced if it holds an earlier export, refused if it holds anything else. */
  out: string;
  /** Labelled examples of the model's task (validation split) for the check: the first 64 (int8: 1000, for its metric change). */
  validation?: readonly unknown[];
  /** Data, metrics and settings for the model card (default: whatever bert_studio.json holds). */
  card?: CardFacts;
  /** Task, labels and max length of a folder without bert_studio.json (a plain Hugging Face folder: inferFolderInfo). */
  info?: StudioModelInfo;
}

export interface ExportProgress {
  stage: 'loading' | 'exporting' | 'quantizing' | 'writing' | 'verifying' | 'done';
  message: string;
}

export interface ExportResult {
  format: ExportFormat;
  out: string;
  /** The model file itself (model.onnx, model.int8.onnx or model.safetensors), its size and sha256. */
  file: string;
  bytes: number;
  sha256: string;
  files: string[];
  verification: Verification;
  quantization?: QuantizeReport;
  warnings: string[];
}

/** The export cannot be made as asked (target folder, model size); the message says what to change. */
export class ExportRequestError extends Error {
  override readonly name = 'ExportRequestError';
}

export class ExportVerificationError extends Error {
  override readonly name = 'ExportVerificationError';
  constructor(
    message: string,
    readonly verification: Verification,
  ) {
    super(message);
  }
}

/** protobuf cannot hold a message over 2 GiB; ONNX then needs weights in external data files. */
const PROTOBUF_LIMIT = 2 ** 31 - 64 * 2 ** 20;
const MODEL_FILE: Record<ExportFormat, string> = { onnx: 'model.onnx', 'onnx-int8': 'model.int8.onnx', hf: 'model.safetensors' };
/** Files an earlier export leaves: their presence makes `out` safe to replace. */
const EXPORT_MARKERS = ['labels.json', 'config.json', 'model.onnx', 'model.int8.onnx'];

/** Why `params` fp32 weights cannot go into one ONNX file, or undefined when they can. */
export function onnxSizeProblem(params: number): string | undefined {
  if (params * 4 <= PROTOBUF_LIMIT) return undefined;
  return `This model has ${(params / 1e6).toFixed(0)}M parameters (${((params * 4) / 2 ** 30).toFixed(1)} GiB in fp32), over the 2 GiB a single ONNX file can hold, and ONNX external data files are not written yet. Export the Hugging Face folder (--format hf) instead.`;
}

function checkOut(out: string): void {
  if (!fs.existsSync(out)) return;
  if (!fs.statSync(out).isDirectory()) throw new ExportRequestError(`${out} is a file; give a folder for the export (it will hold the model, tokenizer and README.md).`);
  const entries = fs.readdirSync(out);
  if (entries.length && !EXPORT_MARKERS.some((m) => entries.includes(m))) throw new ExportRequestError(`${out} already holds other files; choose an empty or new folder for the export.`);
}

function studioFacts(dir: string): CardFacts {
  const file = path.join(dir, STUDIO_FILE);
  // A plain Hugging Face folder: the model is the folder itself, named as the user named it.
  if (!fs.existsSync(file)) return { baseModel: path.basename(path.resolve(dir)) };
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  const facts: CardFacts = {};
  if (typeof raw.baseModel === 'string') facts.baseModel = raw.baseModel;
  if (raw.metrics && typeof raw.metrics === 'object') facts.metrics = raw.metrics as CardFacts['metrics'];
  if (raw.training && typeof raw.training === 'object') facts.training = raw.training as Record<string, unknown>;
  return facts;
}

function labelsJson(info: StudioModelInfo): string {
  const names = info.labels.names;
  const out: Record<string, unknown> = {
    task: info.task,
    id2label: Object.fromEntries(names.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(names.map((l, i) => [l, i])),
    max_length: info.maxLength,
  };
  if (info.labels.slots?.length) out.slot_labels = info.labels.slots;
  if (info.labels.multiLabel) out.multi_label = true;
  if (info.threshold !== undefined) out.threshold = info.threshold;
  return JSON.stringify(out, null, 2) + '\n';
}

/** tokenizer_config.json's do_lower_case (WordPiece lowercases unless it says false). */
function lowercases(dir: string): boolean {
  const file = path.join(dir, 'tokenizer_config.json');
  if (!fs.existsSync(file)) return true;
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { do_lower_case?: unknown }).do_lower_case !== false;
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** Writes the model file of `format` into `dir` (and, for ONNX int8, how it was quantized). */
function writeModel(trained: TrainedModel, format: ExportFormat, dir: string, facts: CardFacts): { quantization?: QuantizeReport } {
  const { model, info } = trained;
  if (format === 'hf') {
    const config = withoutPaths(trainedConfig(model.config, model.head, info.labels.names, info.labels.slots ?? []));
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
    writeSafetensors(path.join(dir, MODEL_FILE.hf), model.parameters(), { metadata: { format: 'pt' } });
    fs.writeFileSync(path.join(dir, STUDIO_FILE), JSON.stringify(info, null, 2) + '\n');
    return {};
  }
  const precision = format === 'onnx' ? 'fp32' : 'int8';
  let bytes = model.exportOnnx({ metadata: exportMetadata(info, { precision, ...(facts.baseModel ? { baseModel: facts.baseModel } : {}) }) });
  let quantization: QuantizeReport | undefined;
  if (format === 'onnx-int8') ({ bytes, report: quantization } = quantizeOnnx(bytes, 'dynamic'));
  fs.writeFileSync(path.join(dir, MODEL_FILE[format]), bytes);
  return quantization ? { quantization } : {};
}

/**
 * The copied tokenizer files made shareable and complete: tokenizer_config.json without the
 * paths Hugging Face records in it, and a tokenizer.json (the `tokenizers` format the model
 * card's snippets load) when the model came with only vocab.txt or vocab.json + merges.txt.
 */
async function writeTokenizerFiles(dir: string): Promise<void> {
  const configFile = path.join(dir, 'tokenizer_config.json');
  if (fs.existsSync(configFile)) fs.writeFileSync(configFile, JSON.stringify(withoutPaths(JSON.parse(fs.readFileSync(configFile, 'utf8')) as Record<string, unknown>), null, 2) + '\n');
  const json = path.join(dir, 'tokenizer.json');
  if (fs.existsSync(json)) return;
  const text = await tokenizerJsonFromFiles(dir);
  if (text !== undefined) fs.writeFileSync(json, text);
}

/** Swaps `tmp` in as `out` (an earlier export there is replaced). */
function moveIntoPlace(tmp: string, out: string): void {
  const old = `${out}.old-export`;
  fs.rmSync(old, { recursive: true, force: true });
  if (fs.existsSync(out)) fs.renameSync(out, old);
  fs.renameSync(tmp, out);
  fs.rmSync(old, { recursive: true, force: true });
}

export async function exportModel(opts: ExportOptions, ctl: { onProgress?: (p: ExportProgress) => void; signal?: AbortSignal } = {}): Promise<ExportResult> {
  const progress = (stage: ExportProgress['stage'], message: string) => ctl.onProgress?.({ stage, message });
  const out = path.resolve(opts.out);
  checkOut(out);
  progress('loading', `Loading ${opts.modelDir}.`);
  const trained = await loadTrainedModel(opts.modelDir, opts.info);
  const tmp = `${out}.tmp-export`;
  let exported: Predictor | undefined;
  try {
    const params = [...trained.model.parameters().values()].reduce((n, t) => n + t.data.length, 0);
    const tooBig = opts.format === 'hf' ? undefined : onnxSizeProblem(params);
    if (tooBig) throw new ExportRequestError(tooBig);
    const facts = shareableFacts(opts.card ?? studioFacts(opts.modelDir));
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp, { recursive: true });
    progress(opts.format === 'onnx-int8' ? 'quantizing' : 'exporting', `Writing ${MODEL_FILE[opts.format]}.`);
    ctl.signal?.throwIfAborted();
    const { quantization } = writeModel(trained, opts.format, tmp, facts);
    ctl.signal?.throwIfAborted();
    progress('writing', 'Writing the tokenizer files and labels.json beside it.');
    copyTokenizerFiles(opts.modelDir, tmp);
    await writeTokenizerFiles(tmp);
    fs.writeFileSync(path.join(tmp, 'labels.json'), labelsJson(trained.info));

    progress('verifying', 'Loading the export back and comparing it with the in-app model.');
    const labelled = !!opts.validation?.length;
    const examples = labelled ? opts.validation!.slice(0, opts.format === 'onnx-int8' ? INT8_METRIC_EXAMPLES : VERIFY_EXAMPLES) : examplesFor(trained.info, probeInputs(trained.info)).examples;
    const file = path.join(tmp, MODEL_FILE[opts.format]);
    exported = opts.format === 'hf' ? await folderPredictor(tmp) : await onnxPredictor(file);
    const fp32 = opts.format !== 'onnx-int8';
    const verification = await compareModels(enginePredictor(trained), exported, examples, { labelled, fp32, loadedWith: opts.format === 'hf' ? 'engine' : 'onnxruntime', signal: ctl.signal });
    await exported.dispose();
    exported = undefined;
    if (!verification.passed) {
      throw new ExportVerificationError(
        `The exported model does not reproduce the in-app model: outputs differ by up to ${verification.maxDifference.toExponential(2)} (allowed ${verification.tolerance}) on ${verification.examples} examples. Nothing was written to ${out}; please report this as a bug.`,
        verification,
      );
    }
    const warnings: string[] = [];
    if (opts.format === 'onnx-int8') {
      if (verification.metrics && verification.metrics.change < -INT8_METRIC_DROP_WARNING) {
        warnings.push(`int8 lowers ${verification.metrics.name} by ${(-verification.metrics.change * 100).toFixed(2)} points on ${verification.examples} validation examples (${verification.metrics.inApp.toFixed(4)} → ${verification.metrics.exported.toFixed(4)}); use the fp32 ONNX export if that matters.`);
      } else if (!verification.metrics) {
        warnings.push(`No labelled validation examples: the metric change of int8 is unknown; ${(verification.agreement * 100).toFixed(0)}% of predictions on probe texts match the fp32 model.`);
      }
    }
    const head = trained.model.head;
    const inputs = ['input_ids', 'attention_mask', ...(FAMILIES[trained.model.config.modelType].tokenTypes ? ['token_type_ids'] : [])];
    const outputs = head.kind === 'question-answering' ? ['start_logits', 'end_logits'] : head.kind === 'joint-intent-slots' ? ['logits', 'slot_logits'] : ['logits'];
    const card = modelCard({
      info: trained.info,
      format: opts.format,
      config: trained.model.config,
      head,
      architecture: architectureName(trained.model.config, head),
      parameters: params,
      modelFile: MODEL_FILE[opts.format],
      tokenizerFiles: fs.readdirSync(tmp),
      lowercase: lowercases(tmp),
      inputs,
      outputs,
      facts,
      verification,
      ...(quantization ? { quantization } : {}),
      trainedHere: fs.existsSync(path.join(opts.modelDir, STUDIO_FILE)),
    });
    fs.writeFileSync(path.join(tmp, 'README.md'), card);
    ctl.signal?.throwIfAborted();
    fs.mkdirSync(path.dirname(out), { recursive: true });
    moveIntoPlace(tmp, out);
    const main = path.join(out, MODEL_FILE[opts.format]);
    const result: ExportResult = { format: opts.format, out, file: main, bytes: fs.statSync(main).size, sha256: sha256(main), files: fs.readdirSync(out).sort(), verification, warnings };
    if (quantization) result.quantization = quantization;
    progress('done', `Exported and checked: ${out}.`);
    return result;
  } finally {
    await exported?.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
    await trained.dispose();
  }
}
