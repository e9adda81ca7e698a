import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadModel } from '../../main/models/hub/download-model.ts';
import { cacheDirFor, readManifest, resolveCachedModel } from '../../main/models/hub/manifest.ts';
import { resolveModelRef } from '../../main/models/hub/resolve.ts';
import { startFakeHub, type FakeHub } from './fake-hub.ts';

const REPO = 'tiny-org/bert-tiny';
const FOLDER = path.resolve(import.meta.dirname, '../../../shared/fixtures/parity/bert-tiny-seqcls');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let hub: FakeHub;
let home: string;
// Isolate from the machine's proxy settings: the fake hub is on 127.0.0.1.
const env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  // Extra repo files a real BERT repo has and fine-tuning does not need.
  hub = await startFakeHub(REPO, FOLDER, { extraFiles: { 'tf_model.h5': Buffer.alloc(4096, 7), 'README.md': Buffer.from('# tiny\n') } });
});
afterAll(() => hub.close());
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'bs-hub-'));
  hub.log.length = 0;
  hub.cutOnce.clear();
  hub.stall.clear();
  hub.corrupt.clear();
  hub.flags.ignoreRange = false;
  return () => rm(home, { recursive: true, force: true });
});

describe('downloadModel', () => {
  it('downloads only the needed files, following the CDN redirect, verifies them and records the model', async () => {
    const progress: Array<[number, number | undefined, string]> = [];
    const model = await downloadModel({ home, repo: REPO, endpoint: hub.endpoint, env, onProgress: (b, t, f) => progress.push([b, t, f]) });

    const dir = cacheDirFor(home, REPO, 'main');
    expect(dir).toBe(path.join(home, 'models', 'tiny-org--bert-tiny', 'main'));
    expect(model.path).toBe(dir);
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'model.safetensors', 'special_tokens_map.json', 'tokenizer_config.json', 'vocab.txt']);
    for (const f of await readdir(dir)) expect(sha256(await readFile(path.join(dir, f))), f).toBe(sha256(await readFile(path.join(FOLDER, f))));
    expect(model).toMatchObject({ id: `${REPO}@main`, source: 'hub', repo: REPO, revision: 'main', commit: hub.commit, modelType: 'bert' });
    // Weights came from the CDN origin, pinned to the resolved commit.
    expect(hub.log).toContain(`hub GET /${REPO}/resolve/${hub.commit}/model.safetensors`);
    expect(hub.log).toContain('cdn GET /blobs/model.safetensors');
    expect(hub.log.some((l) => l.includes('tf_model.h5'))).toBe(false);
    const last = progress.filter((p) => p[2] === `${REPO}/model.safetensors`).at(-1)!;
    expect(last[0]).toBe((await stat(path.join(FOLDER, 'model.safetensors'))).size);
    expect(last[1]).toBe(last[0]);
    expect((await readManifest(home)).models.map((m) => m.id)).toEqual([`${REPO}@main`]);
  });

  it('resumes an interrupted download with a Range request and verifies the sha256 of the whole file', async () => {
    hub.cutOnce.set('model.safetensors', 1_000_000);
    await expect(downloadModel({ home, repo: REPO, endpoint: hub.endpoint, env, retries: 0 })).rejects.toThrow(/model\.safetensors: the connection (dropped|closed) after/);
    // What reached the disk before the cut (bytes still buffered in the pipeline are lost).
    const part = path.join(cacheDirFor(home, REPO, 'main'), 'model.safetensors.part');
    const kept = (await stat(part)).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(1_000_000);

    const model = await downloadModel({ home, repo: REPO, endpoint: hub.endpoint, env });
    expect(hub.log).toContain(`cdn GET /blobs/model.safetensors bytes=${kept}-`);
    expect(model.files.find((f) => f.name === 'model.safetensors')!.sha256).toBe(sha256(await readFile(path.join(FOLDER, 'model.safetensors'))));
    expect(existsSync(part)).toBe(false);
  });

  it('retries by itself after a dropped connection, resuming where it stopped', async () => {
    hub.cutOnce.set('model.safetensors', 500_000);
    await downloadModel({ home, repo: REPO, endpoint: hub.endpoint, env });
    const resumedAt = hub.log.map((l) => /^cdn GET \/blobs\/model\.safetensors bytes=(\d+)-$/.exec(l)?.[1]).filter(Boolean).map(Number);
    expect(resumedAt).toHaveLength(1);
    expect(resumedAt[0]).toBeGreaterThan(0);
    expect(resumedAt[0]).toBeLessThanOrEqual(500_000);
  });

  it('starts over when the server ignores Range and sends the whole file', async () => {
    hub.cutOnce.set('model.safetensors', 700_000);
    hub.flags.ignoreRange = true;
    const model = await downloadModel({ home, repo: REPO, endpoint: hub.endpoint, env });
    const requests = hub.log.filter((l) => l.startsWith('cdn GET /blobs/model.safetensors'));
    expect(requests).toHaveLength(2);
    expect(requests[1]).toMatch(/ bytes=[1-9]\d*-$/); // asked to resume, got the whole file
    expect(model.files.find((f) => f.name === 'model.safetensors')!.sha256).toBe(sha256(await readFile(path.join(FOLDER, 'model.safetensors'))));
  });

  it('keeps files finished by an interrupted run instead of downloading them again', async () => {
    hub.cutOnce.set('vocab.txt', 1000);
    await expect(downloadModel({ home, repo: REPO, endpoint: hub.endpoint, env, retries: 0 })).rejects.toThrow(/vocab\.txt/);
    hub.log.length = 0;
    await downloadModel({ home, repo: REPO, endpoint: hub.endpoint, env });
    expect(hub.log.some((l) => l.includes('model.safetensors'))).toBe(false);
    expect(hub.log.some((l) => l.startsWith(`hub GET /${REPO}/resolve/${hub.commit}/vocab.txt`))).toBe(true);
  });

  it('fails with a sentence and deletes the file when the sha256 does not match', async () => {
    hub.corrupt.add('model.safetensors');
    await expect(downloadModel({ home, repo: REPO, endpoint: hub.endpoint, env })).rejects.toThrow(
      /tiny-org\/bert-tiny\/model\.safetensors failed verification: its sha256 is [0-9a-f]{64}, expected [0-9a-f]{64}\. The damaged file .* was deleted/,
    );
    const dir = cacheDirFor(home, REPO, 'main');
    expect(existsSync(path.join(dir, 'model.safetensors'))).toBe(false);
    expect(existsSync(path.join(dir, 'model.safetensors.part'))).toBe(false);
    expect(await resolveCachedModel(home, REPO, 'main')).toBeUndefined();
  });

  it('checks small files against their git blob id too', async () => {
    hub.corrupt.add('vocab.txt');
    await expect(downloadModel({ home, repo: REPO, endpoint: hub.endpoint, env })).rejects.toThrow(/bert-tiny\/vocab\.txt failed verification: its git hash is/);
  });

  it('once cached, resolves and "downloads" with no network at all', async () => {
    await downloadModel({ home, repo: REPO, endpoint: hub.endpoint, env });
    const offline = 'http://127.0.0.1:9'; // discard port: nothing listens there
    const cached = await resolveCachedModel(home, REPO, 'main');
    expect(cached?.path).toBe(cacheDirFor(home, REPO, 'main'));
    expect(await resolveCachedModel(home, REPO, hub.commit)).toEqual(cached);
    hub.log.length = 0;
    expect(await downloadModel({ home, repo: REPO, endpoint: offline, env })).toEqual(cached);
    expect(hub.log).toEqual([]);
    expect(await resolveModelRef(home, REPO)).toEqual({ path: cached!.path, registered: cached });
    expect((await resolveModelRef(home, `${REPO}@${hub.commit}`)).path).toBe(cached!.path);
    await expect(resolveModelRef(home, 'bert-base-uncased')).rejects.toThrow("Model 'bert-base-uncased' is not on this computer. While online, run 'bert-studio models add bert-base-uncased'");
    // A file deleted from the cache makes the entry incomplete, not silently usable.
    await rm(path.join(cached!.path, 'vocab.txt'));
    expect(await resolveCachedModel(home, REPO, 'main')).toBeUndefined();
  });

  it('stops on cancellation and keeps the partial file for a later resume', async () => {
    hub.stall.set('model.safetensors', 300_000);
    const controller = new AbortController();
    const run = downloadModel({
      home,
      repo: REPO,
      endpoint: hub.endpoint,
      env,
      signal: controller.signal,
      onProgress: (bytes, _t, file) => {
        if (file.endsWith('model.safetensors') && bytes >= 300_000) controller.abort();
      },
    });
    await expect(run).rejects.toThrow('The download was cancelled.');
    const kept = (await stat(path.join(cacheDirFor(home, REPO, 'main'), 'model.safetensors.part'))).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(300_000);
    hub.stall.clear();
    await downloadModel({ home, repo: REPO, endpoint: hub.endpoint, env });
    expect(hub.log).toContain(`cdn GET /blobs/model.safetensors bytes=${kept}-`);
  });

  it('refuses an unsupported model type after config.json, before fetching any weights', async () => {
    const folder = path.join(home, 'gpt2-src');
    await mkdir(folder);
    await writeFile(path.join(folder, 'config.json'), JSON.stringify({ model_type: 'gpt2' }));
    await copyFile(path.join(FOLDER, 'vocab.txt'), path.join(folder, 'vocab.txt'));
    await copyFile(path.join(FOLDER, 'model.safetensors'), path.join(folder, 'model.safetensors'));
    const gpt2 = await startFakeHub('openai/gpt2-ish', folder);
    try {
      await expect(downloadModel({ home, repo: 'openai/gpt2-ish', endpoint: gpt2.endpoint, env })).rejects.toThrow(/^Unsupported model type: gpt2 \(in .*config\.json\)/);
      expect(gpt2.log.some((l) => l.includes('model.safetensors'))).toBe(false);
    } finally {
      await gpt2.close();
    }
  });

  it('follows the relative 307 the hub sends for a renamed repository', async () => {
    const renamed = await startFakeHub('new-org/bert-tiny', FOLDER, { renamedFrom: 'bert-tiny-old' });
    try {
      const model = await downloadModel({ home, repo: 'bert-tiny-old', endpoint: renamed.endpoint, env });
      expect(model.path).toBe(path.join(home, 'models', 'bert-tiny-old', 'main'));
      expect(renamed.log).toContain('hub GET /api/models/bert-tiny-old/revision/main');
      expect(renamed.log).toContain('hub GET /api/models/new-org/bert-tiny/revision/main');
    } finally {
      await renamed.close();
    }
  });

  it('names the repository when the hub does not know it', async () => {
    await expect(downloadModel({ home, repo: 'nobody/nothing', endpoint: hub.endpoint, env })).rejects.toThrow(/no public model 'nobody\/nothing' at revision 'main'/);
  });
});
