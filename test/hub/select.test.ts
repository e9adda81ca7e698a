import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRevision, selectFiles } from '../../main/models/hub/api.ts';
import { cacheDirFor } from '../../main/models/hub/manifest.ts';
import { registerLocalFolder } from '../../main/models/hub/local-folder.ts';
import { loadModelFolder } from '../../main/models/load-folder.ts';
import { readSafetensors, writeSafetensors } from '../../main/models/safetensors.ts';

const PARITY = path.resolve(import.meta.dirname, '../../../shared/fixtures/parity/bert-tiny-seqcls');

describe('selectFiles', () => {
  it('takes config, one weights format and every tokenizer file, nothing else', () => {
    const roberta = ['config.json', 'merges.txt', 'vocab.json', 'tokenizer.json', 'model.safetensors', 'pytorch_model.bin', 'tf_model.h5', 'flax_model.msgpack', 'onnx/model.onnx', 'README.md'];
    expect(selectFiles('FacebookAI/roberta-base', roberta)).toEqual(['config.json', 'model.safetensors', 'tokenizer.json', 'vocab.json', 'merges.txt']);
    expect(selectFiles('google/bert_uncased_L-2_H-128_A-2', ['config.json', 'pytorch_model.bin', 'vocab.txt', 'tf_model.h5'])).toEqual(['config.json', 'pytorch_model.bin', 'vocab.txt']);
  });

  it('says what is missing, naming the repository', () => {
    expect(() => selectFiles('x/y', ['model.safetensors', 'vocab.txt'])).toThrow("'x/y' has no config.json");
    expect(() => selectFiles('x/y', ['config.json', 'tf_model.h5', 'vocab.txt'])).toThrow("'x/y' has no model.safetensors or pytorch_model.bin weights.");
    expect(() => selectFiles('x/y', ['config.json', 'model.safetensors'])).toThrow("'x/y' has no tokenizer files");
  });
});

describe('revisions', () => {
  it('keeps branches, tags, commits and refs/pr/N inside the model cache folder', () => {
    for (const r of ['main', 'v1.0', 'refs/pr/1', 'a'.repeat(40)]) expect(() => checkRevision(r)).not.toThrow();
    expect(cacheDirFor('/h', 'org/m', 'refs/pr/1')).toBe(path.join('/h', 'models', 'org--m', 'refs--pr--1'));
  });

  it('refuses a revision that would name a folder outside the cache (.., ., backslashes)', () => {
    for (const r of ['..', '.', '../x', 'a/../../b', '..\\..\\x', 'a//b', '']) {
      expect(() => checkRevision(r)).toThrow('is not a revision on the Hugging Face Hub');
      expect(() => cacheDirFor('/h', 'org/m', r)).toThrow('is not a revision on the Hugging Face Hub');
    }
  });
});

describe('sharded safetensors', () => {
  it('a local folder with an index and two shards is merged into one model.safetensors the loader reads', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'bs-shards-'));
    try {
      const src = path.join(root, 'sharded');
      await mkdir(src);
      for (const f of ['config.json', 'vocab.txt']) await copyFile(path.join(PARITY, f), path.join(src, f));
      const all = readSafetensors(path.join(PARITY, 'model.safetensors'));
      const names = [...all.keys()].sort();
      const shards = [names.slice(0, 20), names.slice(20)];
      const weightMap: Record<string, string> = {};
      shards.forEach((keys, i) => {
        const file = `model-0000${i + 1}-of-00002.safetensors`;
        writeSafetensors(path.join(src, file), new Map(keys.map((k) => [k, all.get(k)!])));
        for (const k of keys) weightMap[k] = file;
      });
      await writeFile(path.join(src, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));

      const model = await registerLocalFolder(path.join(root, 'home'), src);
      expect(model.sourcePath).toBe(src);
      expect((await readdir(model.path)).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.txt']);
      const loaded = loadModelFolder(model.path).weights;
      expect([...loaded.keys()].sort()).toEqual(names);
      const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      for (const k of names) expect(bytes(loaded.get(k)!.data).equals(bytes(all.get(k)!.data)), k).toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
