// README.md written next to every export: what the model does, what it was trained on, how
// well it does, how it was checked, and copy-paste code to run it from Python and from Node.
import type { HeadSpec, ModelConfig } from '../engine/api.ts';
import type { StudioModelInfo } from '../train/model-folder.ts';
import type { QuantizeReport } from './quantize.ts';
import type { Verification } from './verify.ts';

/** Facts about the training that the model folder alone does not hold (from the run, or passed in). */
export interface CardFacts {
  baseModel?: string;
  data?: { name?: string; files?: string[]; rows?: number; splits?: Record<string, number> };
  metrics?: { validation?: Record<string, number>; test?: Record<string, number> };
  training?: Record<string, unknown>;
  /** The run's baseline (main/baseline/): trained in seconds on the same splits, the reference point. */
  baseline?: { name: string; validation: Record<string, number>; test?: Record<string, number> };
}

export interface CardInput {
  info: StudioModelInfo;
  format: 'onnx' | 'onnx-int8' | 'hf';
  config: ModelConfig;
  head: HeadSpec;
  architecture: string;
  parameters: number;
  modelFile: string;
  /** Which tokenizer files the folder has (decides the tokenizer snippets), and whether WordPiece lowercases. */
  tokenizerFiles: string[];
  lowercase: boolean;
  inputs: string[];
  outputs: string[];
  facts: CardFacts;
  verification: Verification;
  quantization?: QuantizeReport;
  /** False for a Hugging Face folder fine-tuned elsewhere (no bert_studio.json): the card then says exported, not trained, here. */
  trainedHere?: boolean;
}

const TASK_TITLE: Record<StudioModelInfo['task'], string> = {
  classification: 'text classification',
  ner: 'named-entity recognition',
  qa: 'extractive question answering',
  intent: 'intent detection',
};

function table(rows: [string, string][]): string {
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

function metricsTable(m: NonNullable<CardFacts['metrics']>): string {
  const names = [...new Set([...Object.keys(m.validation ?? {}), ...Object.keys(m.test ?? {})])];
  if (!names.length) return 'No metrics were recorded with this model.';
  const cell = (x: number | undefined) => (x === undefined ? '–' : x.toFixed(4));
  return ['| metric | validation | test |', '|---|---|---|', ...names.map((n) => `| ${n} | ${cell(m.validation?.[n])} | ${cell(m.test?.[n])} |`)].join('\n');
}

function labelsLine(info: StudioModelInfo): string {
  if (info.task === 'qa') return 'Answers are spans of the context (no label set).';
  const shown = info.labels.names.slice(0, 30).map((l) => `\`${l}\``);
  const more = info.labels.names.length > 30 ? ` … and ${info.labels.names.length - 30} more (see labels.json)` : '';
  const slots = info.labels.slots?.length ? ` Slot tags: ${info.labels.slots.length} (see labels.json).` : '';
  return `${info.labels.names.length} labels: ${shown.join(', ')}${more}.${slots}`;
}

function pythonTokenizer(c: CardInput): string {
  const files = c.tokenizerFiles;
  if (files.includes('tokenizer.json')) return 'from tokenizers import Tokenizer\ntok = Tokenizer.from_file("tokenizer.json")';
  if (files.includes('vocab.txt')) return `from tokenizers import BertWordPieceTokenizer\ntok = BertWordPieceTokenizer("vocab.txt", lowercase=${c.lowercase ? 'True' : 'False'})`;
  return [
    'from tokenizers import ByteLevelBPETokenizer',
    'from tokenizers.processors import RobertaProcessing',
    'tok = ByteLevelBPETokenizer("vocab.json", "merges.txt")',
    'tok._tokenizer.post_processor = RobertaProcessing(("</s>", tok.token_to_id("</s>")), ("<s>", tok.token_to_id("<s>")))',
  ].join('\n');
}

function pythonPost(task: StudioModelInfo['task'], multiLabel: boolean): string {
  switch (task) {
    case 'classification':
      return multiLabel
        ? 'probs = 1 / (1 + np.exp(-out["logits"][0]))\nprint([labels[str(i)] for i, p in enumerate(probs) if p >= 0.5])'
        : 'probs = np.exp(out["logits"][0]) / np.exp(out["logits"][0]).sum()\nprint(labels[str(int(probs.argmax()))], float(probs.max()))';
    case 'intent':
      return 'print(labels[str(int(out["logits"][0].argmax()))])';
    case 'ner':
      return 'tags = [labels[str(int(i))] for i in out["logits"][0].argmax(-1)]\nprint(list(zip(enc.tokens, tags)))  # a word takes the tag of its first sub-token';
    case 'qa':
      return 's, e = int(out["start_logits"][0].argmax()), int(out["end_logits"][0].argmax())\nprint(context[enc.offsets[s][0]:enc.offsets[e][1]])  # BERT Studio also checks e >= s and the span is in the context';
  }
}

function pythonOnnx(c: CardInput): string {
  const qa = c.info.task === 'qa';
  const field: Record<string, string> = { input_ids: 'ids', attention_mask: 'attention_mask', token_type_ids: 'type_ids' };
  const feeds = c.inputs.map((n) => `"${n}": np.array([enc.${field[n]}], dtype=np.int64)`).join(', ');
  return [
    '```python',
    'import json, numpy as np, onnxruntime as ort',
    pythonTokenizer(c),
    `tok.enable_truncation(${c.info.maxLength})`,
    `session = ort.InferenceSession("${c.modelFile}")`,
    ...(qa ? ['question, context = "Who wrote it?", "It was written by Ada Lovelace in 1843."', 'enc = tok.encode(question, context)'] : ['labels = json.load(open("labels.json"))["id2label"]', 'enc = tok.encode("Your text here")']),
    `out = dict(zip([o.name for o in session.get_outputs()], session.run(None, {${feeds}})))`,
    pythonPost(c.info.task, !!c.info.labels.multiLabel),
    '```',
  ].join('\n');
}

/** The `tokenizers` npm package (Hugging Face's Rust tokenizer) set up like the model's own tokenizer: imports, then setup. */
function nodeTokenizer(c: CardInput): { imports: string; setup: string[] } {
  const f = c.tokenizerFiles;
  if (f.includes('tokenizer.json')) return { imports: "import { Tokenizer } from 'tokenizers';", setup: ["const tok = Tokenizer.fromFile('tokenizer.json');"] };
  if (f.includes('vocab.txt')) {
    return {
      imports: "import { Tokenizer, WordPiece, bertNormalizer, bertPreTokenizer, bertProcessing } from 'tokenizers';",
      setup: [
        "const tok = new Tokenizer(await WordPiece.fromFile('vocab.txt', { unkToken: '[UNK]' }));",
        `tok.setNormalizer(bertNormalizer({ lowercase: ${c.lowercase} }));`,
        'tok.setPreTokenizer(bertPreTokenizer());',
        "tok.setPostProcessor(bertProcessing(['[SEP]', tok.tokenToId('[SEP]')], ['[CLS]', tok.tokenToId('[CLS]')]));",
      ],
    };
  }
  return {
    imports: "import { Tokenizer, BPE, byteLevelPreTokenizer, robertaProcessing } from 'tokenizers';",
    setup: [
      "const tok = new Tokenizer(await BPE.fromFile('vocab.json', 'merges.txt'));",
      'tok.setPreTokenizer(byteLevelPreTokenizer(false));',
      "tok.setPostProcessor(robertaProcessing(['</s>', tok.tokenToId('</s>')], ['<s>', tok.tokenToId('<s>')]));",
    ],
  };
}

function nodeOnnx(c: CardInput): string {
  const qa = c.info.task === 'qa';
  const tok = nodeTokenizer(c);
  const feed = (n: string, src: string) => `  ${n}: new ort.Tensor('int64', BigInt64Array.from(${src}, BigInt), [1, ids.length]),`;
  const post: Record<StudioModelInfo['task'], string> = {
    classification: 'const logits = Array.from(out.logits.data);\nconsole.log(id2label[String(logits.indexOf(Math.max(...logits)))]);',
    intent: 'const logits = Array.from(out.logits.data);\nconsole.log(id2label[String(logits.indexOf(Math.max(...logits)))]);',
    ner: '// out.logits.dims = [1, seq, labels]: the argmax of each word\'s first sub-token is its tag (id2label).\nconsole.log(out.logits.dims);',
    qa: '// start_logits / end_logits: [1, seq]; the answer is the best start ≤ end span inside the context.\nconst best = (t) => Array.from(t.data).reduce((b, x, i, a) => (x > a[b] ? i : b), 0);\nconst offsets = enc.getOffsets();\nconsole.log(context.slice(offsets[best(out.start_logits)][0], offsets[best(out.end_logits)][1]));',
  };
  return [
    '```js',
    "import * as ort from 'onnxruntime-node';",
    tok.imports,
    ...(qa ? [] : ["import fs from 'node:fs';"]),
    ...tok.setup,
    `tok.setTruncation(${c.info.maxLength});`,
    `const session = await ort.InferenceSession.create('${c.modelFile}');`,
    ...(qa
      ? ["const [question, context] = ['Who wrote it?', 'It was written by Ada Lovelace in 1843.'];", 'const enc = await tok.encode(question, context);']
      : ["const { id2label } = JSON.parse(fs.readFileSync('labels.json', 'utf8'));", "const enc = await tok.encode('Your text here');"]),
    'const ids = enc.getIds();',
    'const out = await session.run({',
    feed('input_ids', 'ids'),
    feed('attention_mask', 'enc.getAttentionMask()'),
    ...(c.inputs.includes('token_type_ids') ? [feed('token_type_ids', 'enc.getTypeIds()')] : []),
    '});',
    post[c.info.task],
    '```',
  ].join('\n');
}

function hfUsage(c: CardInput): string {
  if (c.head.kind === 'joint-intent-slots') {
    return [
      `**${c.architecture} is not a transformers class**: intent and slot heads share one encoder, which no Auto class models.`,
      "`AutoModel.from_pretrained(folder)` loads the encoder (transformers reports `intent_classifier.*` and `slot_classifier.*` as unused);",
      'apply those two linear layers yourself (intent: on the pooled [CLS] vector, slots: on every token), or use BERT Studio or the ONNX export, which has both outputs.',
    ].join('\n');
  }
  const auto = { 'sequence-classification': 'AutoModelForSequenceClassification', 'token-classification': 'AutoModelForTokenClassification', 'question-answering': 'AutoModelForQuestionAnswering' }[c.head.kind];
  const pipe = { 'sequence-classification': 'text-classification', 'token-classification': 'token-classification', 'question-answering': 'question-answering' }[c.head.kind];
  const call = c.head.kind === 'question-answering' ? 'nlp(question="Who wrote it?", context="It was written by Ada Lovelace in 1843.")' : 'nlp("Your text here")';
  return ['```python', `from transformers import AutoTokenizer, ${auto}, pipeline`, `model = ${auto}.from_pretrained(".")`, 'tokenizer = AutoTokenizer.from_pretrained(".")', `nlp = pipeline("${pipe}", model=model, tokenizer=tokenizer)`, `print(${call})`, '```'].join('\n');
}

function verificationText(v: Verification, format: CardInput['format']): string {
  const what = `${v.examples} ${v.labelled ? 'validation examples' : 'probe texts'} (${v.features} model inputs), loaded back with ${v.loadedWith === 'onnxruntime' ? 'ONNX Runtime' : "BERT Studio's engine"}`;
  const lines = [`Checked on ${what}: largest output difference from the in-app model ${v.maxDifference.toExponential(2)}${v.tolerance !== null ? ` (allowed ${v.tolerance})` : ''}; ${(v.agreement * 100).toFixed(1)}% identical predictions.`];
  if (v.metrics) lines.push(`${v.metrics.name}: ${v.metrics.inApp.toFixed(4)} in the app, ${v.metrics.exported.toFixed(4)} ${format === 'onnx-int8' ? 'in int8' : 'exported'} (${v.metrics.change >= 0 ? '+' : ''}${(v.metrics.change * 100).toFixed(2)} points).`);
  return lines.join('\n');
}

export function modelCard(c: CardInput): string {
  const f = c.facts;
  const about: [string, string][] = [
    ['Task', TASK_TITLE[c.info.task] + (c.info.labels.multiLabel ? ' (multi-label)' : '')],
    ['Architecture', `${c.architecture} (${c.config.numLayers} layers, hidden ${c.config.hiddenSize}, ${(c.parameters / 1e6).toFixed(1)}M parameters)`],
    ['Base model', f.baseModel ?? 'unknown'],
    ['Format', c.format === 'hf' ? 'Hugging Face folder (config.json + model.safetensors)' : c.format === 'onnx' ? `ONNX (opset 17), fp32, file \`${c.modelFile}\`` : `ONNX (opset 17), int8 weights, file \`${c.modelFile}\``],
    ['Max input length', `${c.info.maxLength} tokens (${c.info.truncation === 'head-tail' ? 'a longer text keeps its first quarter and its last three quarters of tokens: head+tail truncation' : 'longer inputs are cut'}${c.info.task === 'qa' ? '; long contexts are read in overlapping windows' : ''})`],
  ];
  if (c.info.threshold !== undefined) about.push([c.info.labels.multiLabel ? 'Decision threshold' : 'Out-of-scope threshold', String(c.info.threshold)]);
  const sections = [`# ${TASK_TITLE[c.info.task][0].toUpperCase()}${TASK_TITLE[c.info.task].slice(1)} model, ${c.trainedHere === false ? 'exported' : 'trained'} with BERT Studio`, table(about), `## Labels\n\n${labelsLine(c.info)}`];
  if (f.data) {
    const d = f.data;
    const splits = d.splits ? Object.entries(d.splits).map(([k, v]) => `${k} ${v}`).join(', ') : '';
    sections.push(`## Data\n\n${[d.name && `Dataset: ${d.name}`, d.files?.length && `Files: ${d.files.join(', ')}`, d.rows !== undefined && `${d.rows} examples${splits ? ` (${splits})` : ''}`].filter(Boolean).join('. ')}.`);
  }
  sections.push(`## Metrics\n\n${f.metrics ? metricsTable(f.metrics) : 'No metrics were recorded with this model.'}`);
  if (f.baseline) sections.push(`## Baseline\n\nThe ${f.baseline.name}, trained in seconds on the same splits and scored with the same metrics, is the reference point this model has to beat:\n\n${metricsTable(f.baseline)}`);
  if (f.training) sections.push(`## Training settings\n\n${table(Object.entries(f.training).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]))}`);
  sections.push(`## Verification\n\n${verificationText(c.verification, c.format)}`);
  if (c.quantization) {
    const q = c.quantization;
    sections.push(
      `## Quantization\n\nDynamic int8: ${q.dense} dense layers (weights per output channel, symmetric, in ±63 so that CPUs without VNNI cannot overflow; activations quantized at run time, the int8 GEMM of ONNX Runtime) and ${q.embeddings} embedding tables (per row, ±127) hold ${(q.int8Weights / 1e6).toFixed(1)}M int8 weights; LayerNorms and biases stay fp32. ${(q.bytesBefore / 1e6).toFixed(1)} MB → ${(q.bytesAfter / 1e6).toFixed(1)} MB.`,
    );
  }
  if (c.format === 'hf') {
    sections.push(`## Use it with transformers\n\n${hfUsage(c)}`);
  } else {
    sections.push(`## Inputs and outputs\n\nInputs (int64, [batch, sequence]): ${c.inputs.map((n) => `\`${n}\``).join(', ')}. Outputs: ${c.outputs.map((n) => `\`${n}\``).join(', ')}. The task, labels and max length are also in the model's metadata.`);
    sections.push(`## Run it from Python\n\n\`pip install onnxruntime tokenizers numpy\`\n\n${pythonOnnx(c)}`);
    sections.push(`## Run it from Node\n\n\`npm install onnxruntime-node tokenizers\`\n\n${nodeOnnx(c)}`);
  }
  return sections.join('\n\n') + '\n';
}
