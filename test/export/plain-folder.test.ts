// Exports of Hugging Face folders fine-tuned anywhere (no bert_studio.json): the task comes from
// config.json's architectures, the labels from id2label; every export carries tokenizer.json,
// its model card's Node snippet tokenizes as the app does (BERT WordPiece and RoBERTa byte-level
// BPE), and no exported file holds a path of the machine that made it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportModel, type ExportFormat } from '../../main/export/export.ts';
import { inferFolderInfo } from '../../main/export/hf-folder-info.ts';
import { readOnnxMetadata } from '../../main/export/onnx-metadata.ts';
import { shareableFacts } from '../../main/export/shareable.ts';
import { loadTokenizer } from '../../main/text/index.ts';
import { MERGES, bpeVocab } from '../text/bpe-fixture.ts';
import { ROOT, runCli } from '../data/helpers.ts';

const PARITY = path.resolve(ROOT, '../shared/fixtures/parity');
// A distinctive folder name: if it shows up in an export, a path leaked.
const SECRET = 'bs-private-user-7f3a';
let root: string;

/** A copy of a parity fixture under `root`, with the absolute paths transformers records in its files. */
function plainFolder(fixture: string, name = fixture): string {
  const dir = path.join(root, SECRET, 'models', name);
  fs.cpSync(path.join(PARITY, fixture), dir, { recursive: true });
  for (const f of ['expected.json', 'expected_after.safetensors', 'expected_grads.safetensors', 'inputs.json']) fs.rmSync(path.join(dir, f), { force: true });
  const edit = (file: string, change: (j: Record<string, unknown>) => void) => {
    const p = path.join(dir, file);
    const j = JSON.parse(fs.readFileSync(p, 'utf8')) as Record<string, unknown>;
    change(j);
    fs.writeFileSync(p, JSON.stringify(j, null, 2));
  };
  edit('config.json', (j) => (j._name_or_path = dir));
  edit('tokenizer_config.json', (j) => (j.name_or_path = dir));
  return dir;
}

/** The RoBERTa fixture with a real byte-level BPE tokenizer (vocab.json + merges.txt) instead of its vocab.txt. */
function robertaBpeFolder(): string {
  const dir = plainFolder('roberta-tiny-seqcls', 'roberta-bpe');
  fs.rmSync(path.join(dir, 'vocab.txt'));
  fs.writeFileSync(path.join(dir, 'vocab.json'), JSON.stringify(Object.fromEntries(bpeVocab())));
  fs.writeFileSync(path.join(dir, 'merges.txt'), ['#version: 0.2', ...MERGES.map(([a, b]) => `${a} ${b}`)].join('\n') + '\n');
  const cfg = path.join(dir, 'tokenizer_config.json');
  fs.writeFileSync(cfg, JSON.stringify({ ...JSON.parse(fs.readFileSync(cfg, 'utf8')), tokenizer_class: 'RobertaTokenizer' }));
  return dir;
}

function expectNoPaths(dir: string): void {
  for (const f of fs.readdirSync(dir)) {
    const bytes = fs.readFileSync(path.join(dir, f)).toString('latin1');
    for (const leak of [SECRET, root, os.homedir()]) expect(bytes.includes(leak), `${f} contains ${leak}`).toBe(false);
  }
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bs-plain-'));
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('what a model card says about a run', () => {
  it('names the base model by its Hub id or folder name and the data files by their names', () => {
    const facts = shareableFacts({ baseModel: '/home/ana/.config/BERT Studio/models/google--bert_uncased_L-2_H-128_A-2/main', data: { name: 'Tickets', files: ['/home/ana/data/tickets.csv', 'C:\\Users\\ana\\holdout.xlsx'] } });
    expect(facts).toEqual({ baseModel: 'google/bert_uncased_L-2_H-128_A-2', data: { name: 'Tickets', files: ['tickets.csv', 'holdout.xlsx'] } });
    expect(shareableFacts({ baseModel: '/srv/models/my-finetuned-bert/' }).baseModel).toBe('my-finetuned-bert');
    expect(shareableFacts({ baseModel: 'from-scratch-tiny' }).baseModel).toBe('from-scratch-tiny');
    expect(shareableFacts({ baseModel: 'google/bert_uncased_L-2_H-128_A-2' }).baseModel).toBe('google/bert_uncased_L-2_H-128_A-2');
  });
});

describe('export of a plain Hugging Face folder', () => {
  const cases: [fixture: string, task: string, format: ExportFormat][] = [
    ['bert-tiny-seqcls', 'classification', 'onnx'],
    ['bert-tiny-tokencls', 'ner', 'onnx-int8'],
    ['bert-tiny-qa', 'qa', 'onnx'],
    ['distilbert-tiny-seqcls', 'classification', 'hf'],
  ];
  for (const [fixture, task, format] of cases) {
    it(`${fixture}: ${task} from its architectures, exported as ${format} and verified, with tokenizer.json and no path of this machine`, async () => {
      const dir = plainFolder(fixture);
      const info = inferFolderInfo(dir);
      expect(info.task).toBe(task);
      expect(info.maxLength).toBe(64);
      if (task !== 'qa') expect(info.labels.names).toEqual(Object.values(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).id2label));
      const out = path.join(root, 'out', fixture);
      const r = await exportModel({ modelDir: dir, format, out, info });
      expect(r.verification.passed).toBe(true);
      expect(r.files).toContain('tokenizer.json');
      expect(JSON.parse(fs.readFileSync(path.join(out, 'labels.json'), 'utf8')).task).toBe(task);
      const card = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
      expect(card).toContain(`| Base model | ${fixture} |`);
      expect(card).toMatch(/^# .* model, exported with BERT Studio$/m);
      if (format !== 'hf') {
        expect(card).toContain('Tokenizer.from_file("tokenizer.json")');
        expect(card).toContain("Tokenizer.fromFile('tokenizer.json')");
        expect(readOnnxMetadata(r.file).base_model).toBe(fixture);
      }
      expectNoPaths(out);
    });
  }

  it('the CLI infers the task too, and refuses a folder without a task head with a sentence (exit 2)', async () => {
    const dir = plainFolder('bert-tiny-seqcls', 'cli-seqcls');
    const ok = await runCli(['--home', path.join(root, 'home'), 'export', '--model', dir, '--format', 'onnx-int8', '--out', path.join(root, 'out', 'cli'), '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({ format: 'onnx-int8', verification: { passed: true } });
    const headless = plainFolder('bert-tiny-seqcls', 'no-head');
    const cfg = path.join(headless, 'config.json');
    fs.writeFileSync(cfg, JSON.stringify({ ...JSON.parse(fs.readFileSync(cfg, 'utf8')), architectures: ['BertModel'] }));
    const bad = await runCli(['--home', path.join(root, 'home'), 'export', '--model', headless, '--format', 'onnx', '--out', path.join(root, 'out', 'bad')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${cfg} names no task head BERT Studio can export (architectures: BertModel)`);
  }, 60_000);
});

describe('the model card’s Node snippet loads tokenizer.json and tokenizes as the app does', () => {
  const TEXTS = ['Your text here', 'Hello world, the café is here!', '  spaced   out\ttext ', 'Ünïcödé naïve résumé', 'the world is hello'];
  for (const [name, make] of [
    ['BERT (WordPiece)', () => plainFolder('bert-tiny-seqcls', 'bert-snippet')],
    ['RoBERTa (byte-level BPE)', robertaBpeFolder],
  ] as const) {
    it(name, async () => {
      const dir = make();
      const out = path.join(root, 'snippet', path.basename(dir));
      await exportModel({ modelDir: dir, format: 'onnx', out, info: inferFolderInfo(dir) });
      const js = /```js\n([\s\S]*?)```/.exec(fs.readFileSync(path.join(out, 'README.md'), 'utf8'))?.[1];
      expect(js).toContain("Tokenizer.fromFile('tokenizer.json')");
      // The card says `npm install onnxruntime-node tokenizers`; here they resolve to this checkout's copies.
      const require = createRequire(import.meta.url);
      const script = js!
        .replace(/from 'onnxruntime-node'/, `from '${pathToFileURL(require.resolve('onnxruntime-node')).href}'`)
        .replace(/from 'tokenizers'/, `from '${pathToFileURL(require.resolve('tokenizers')).href}'`);
      const probe = `\nfor (const t of ${JSON.stringify(TEXTS)}) console.log(JSON.stringify((await tok.encode(t)).getIds()));\n`;
      fs.writeFileSync(path.join(out, 'run.mjs'), script + probe);
      const run = spawnSync(process.execPath, ['run.mjs'], { cwd: out, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const snippetIds = run.stdout.trim().split('\n').slice(-TEXTS.length).map((l) => JSON.parse(l) as number[]);
      // The app's tokenizer of the original folder (vocab.txt, or vocab.json + merges.txt).
      const app = await loadTokenizer(dir);
      expect(snippetIds).toEqual(TEXTS.map((t) => app.encode(t).ids));
      // Not a tautology: the texts are split into several pieces each.
      expect(snippetIds.every((ids) => ids.length > 3)).toBe(true);
    });
  }
});
