import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadModel } from '../../main/models/hub/download-model.ts';
import { registerLocalFolder } from '../../main/models/hub/local-folder.ts';
import { readManifest } from '../../main/models/hub/manifest.ts';
import { loadModelFolder } from '../../main/models/load-folder.ts';
import { readSafetensors } from '../../main/models/safetensors.ts';
import { startFakeHub, type FakeHub } from './fake-hub.ts';

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

// Models that ship only pytorch_model.bin become a model.safetensors the loader can read,
// through the restricted unpickler; a hostile one is refused and never kept.
const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/fixtures');
const PARITY = path.join(FIXTURES, 'parity/bert-tiny-seqcls');
const SMALL_FILES = ['config.json', 'vocab.txt', 'tokenizer_config.json', 'special_tokens_map.json'];

async function ptFolder(root: string, name: string, bin: string): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  for (const f of SMALL_FILES) await copyFile(path.join(PARITY, f), path.join(dir, f));
  await copyFile(path.join(FIXTURES, 'pickle', bin), path.join(dir, 'pytorch_model.bin'));
  return dir;
}

let root: string;
let home: string;
let benign: FakeHub;
let hostile: FakeHub;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'bs-pt-'));
  home = path.join(root, 'home');
  benign = await startFakeHub('old-org/bert-pt', await ptFolder(root, 'benign', 'bert-tiny-seqcls.pytorch_model.bin'));
  hostile = await startFakeHub('evil-org/bert-pt', await ptFolder(root, 'hostile', 'hostile.pytorch_model.bin'));
});
afterAll(async () => {
  await benign.close();
  await hostile.close();
  await rm(root, { recursive: true, force: true });
});

function expectSameWeights(dir: string): void {
  const got = loadModelFolder(dir).weights;
  const want = readSafetensors(path.join(PARITY, 'model.safetensors'));
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [k, w] of want) expect(bytes(got.get(k)!.data).equals(bytes(w.data)), k).toBe(true);
}

describe('models that ship pytorch_model.bin', () => {
  it('a hub download is converted to model.safetensors in the cache and loads with the app loader', async () => {
    const model = await downloadModel({ home, repo: 'old-org/bert-pt', endpoint: benign.endpoint, env: {} });
    expect((await readdir(model.path)).sort()).toEqual(['config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer_config.json', 'vocab.txt']);
    expect(model.files.map((f) => f.name)).toContain('model.safetensors');
    expect(model.files.find((f) => f.name === 'model.safetensors')!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expectSameWeights(model.path);
  });

  it('a hostile hub checkpoint is refused, deleted, and not registered', async () => {
    await expect(downloadModel({ home, repo: 'evil-org/bert-pt', endpoint: hostile.endpoint, env: {} })).rejects.toThrow(/pytorch_model\.bin was refused: .*'posix\.system'.*Nothing was executed/);
    expect((await readManifest(home)).models.some((m) => m.repo === 'evil-org/bert-pt')).toBe(false);
    expect(existsSync(path.join(home, 'models', 'evil-org--bert-pt', 'main', 'pytorch_model.bin'))).toBe(false);
    expect(existsSync('/tmp/bert-studio-pickle-ran-code')).toBe(false);
  });

  it("a local folder gets a converted copy in the cache; the user's folder is left as it was", async () => {
    const src = path.join(root, 'benign');
    const before = (await readdir(src)).sort();
    const model = await registerLocalFolder(home, src);
    expect((await readdir(src)).sort()).toEqual(before);
    expect(model.sourcePath).toBe(src);
    expect(model.path.startsWith(path.join(home, 'models', 'converted', 'benign-'))).toBe(true);
    expectSameWeights(model.path);
  });
});
