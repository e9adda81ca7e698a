import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../main/models/catalog.ts';
import { startFakeHub, type FakeHub } from './fake-hub.ts';
import { runCli } from './run-cli.ts';

// The real command-line entry in a child process, against a real local hub.
const ROOT = path.resolve(import.meta.dirname, '../..');
const FOLDER = path.resolve(ROOT, '../shared/fixtures/parity/bert-tiny-seqcls');
const TINY = 'google/bert_uncased_L-2_H-128_A-2';

let hub: FakeHub;
let home: string;

const cli = (args: string[]) => runCli(home, args, { HF_ENDPOINT: hub.endpoint });

beforeAll(async () => {
  hub = await startFakeHub(TINY, FOLDER);
  home = await mkdtemp(path.join(os.tmpdir(), 'bs-cli-models-'));
});
afterAll(async () => {
  await hub.close();
  await rm(home, { recursive: true, force: true });
});

describe('bert-studio models', () => {
  it('registers a local folder by reference, downloads a hub model, and lists both with the catalog', async () => {
    const local = await cli(['models', 'add', FOLDER, '--json']);
    expect(local.code, local.stderr).toBe(0);
    expect(local.json).toMatchObject({ source: 'local', path: FOLDER, modelType: 'bert' });

    const dl = await cli(['models', 'add', TINY, '--json']);
    expect(dl.code, dl.stderr).toBe(0);
    expect(dl.json).toMatchObject({ id: `${TINY}@main`, source: 'hub', commit: hub.commit });
    expect(dl.stderr).toMatch(/model\.safetensors .*\(100%\)/);

    const listed = await cli(['models', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const cached = listed.json!.cached as Array<{ id: string; complete: boolean }>;
    expect(cached.map((m) => [m.id, m.complete])).toEqual([
      [FOLDER, true],
      [`${TINY}@main`, true],
    ]);
    const catalog = listed.json!.catalog as Array<{ id: string; cached: boolean }>;
    expect(catalog.filter((e) => e.cached).map((e) => e.id)).toEqual([TINY]);
    expect(catalog).toHaveLength(CATALOG.length);
  });

  it('refuses a folder that is not a supported model, in one sentence naming the file, with exit code 2', async () => {
    const dir = path.join(home, 'gpt2-folder');
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'gpt2' }));
    const bad = await cli(['models', 'add', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(`bert-studio: Unsupported model type: gpt2 (in ${path.join(dir, 'config.json')}); BERT Studio fine-tunes bert, distilbert, roberta models.`);

  });
});

describe('catalog', () => {
  it('lists the curated models with size, speed class and use', () => {
    expect(CATALOG.map((e) => e.id).sort()).toEqual(
      ['bert-base-cased', 'bert-base-multilingual-cased', 'bert-base-uncased', 'distilbert-base-uncased', 'google/bert_uncased_L-2_H-128_A-2', 'google/bert_uncased_L-4_H-256_A-4', 'roberta-base'].sort(),
    );
    for (const e of CATALOG) {
      expect(e.parameters, e.id).toBeGreaterThan(1e6);
      expect(e.approxDownloadBytes, e.id).toBeGreaterThan(e.parameters * 3.5); // fp32 weights at least
      expect(e.goodFor.length, e.id).toBeGreaterThan(20);
    }
    expect(CATALOG.find((e) => e.id === 'bert-base-cased')!.goodFor).toMatch(/named-entity/);
    expect(CATALOG.filter((e) => e.speed === 'laptop').map((e) => e.id)).toEqual(['google/bert_uncased_L-2_H-128_A-2', 'google/bert_uncased_L-4_H-256_A-4']);
  });
});
