import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventHub, type CallContext } from '../../main/api/dispatch.ts';
import type { CudaInstallProgress } from '../../main/api/types.ts';
import { cudaService, cudaStatus } from '../../main/api/services/cuda.ts';
import type { ServiceContext } from '../../main/api/services/context.ts';
import { ortPackage } from '../../main/engine/cuda-runtime.ts';
import { fakeCudaPackage, startFakeFeed, type FakeFeed } from '../engine/cuda-feed.ts';

// "Enable NVIDIA CUDA" through the API, against a local feed (BERT_STUDIO_CUDA_FEED, as a company mirror would be set).
let feed: FakeFeed;
const CALL = {} as CallContext;
const homes: string[] = [];

function service(env: NodeJS.ProcessEnv) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-cuda-api-'));
  homes.push(home);
  const events = new EventHub();
  const progress: CudaInstallProgress[] = [];
  events.subscribe((name, data) => {
    if (name === 'cuda.install') progress.push(data as CudaInstallProgress);
  });
  const ctx = { home, mode: 'electron', events } as unknown as ServiceContext;
  return { home, progress, handlers: cudaService(ctx, { HTTP_PROXY: '', http_proxy: '', ...env }) };
}

beforeAll(async () => {
  feed = await startFakeFeed(fakeCudaPackage().zip, ortPackage().version);
});
afterAll(async () => {
  await feed.close();
  for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('system.enableCuda', () => {
  it('installs once with progress events, then asks for a restart (ONNX Runtime is already loaded in this process)', async () => {
    const { home, progress, handlers } = service({ BERT_STUDIO_CUDA_FEED: feed.url });
    expect(cudaStatus(home)).toMatchObject({ supported: true, installed: false, active: false, sentence: expect.stringMatching(/^Enable NVIDIA CUDA to download/) });
    const [a, b] = await Promise.all([handlers['system.enableCuda']({}, CALL), handlers['system.enableCuda']({}, CALL)]);
    expect(a).toEqual(b);
    expect(a).toEqual({ supported: true, installed: true, active: false, sentence: 'NVIDIA CUDA is installed; restart BERT Studio to use it.' });
    expect(feed.log.filter((l) => l.endsWith('.nupkg'))).toHaveLength(1); // the second click joined the first
    expect(progress.map((p) => p.phase).filter((p, i, all) => p !== all[i - 1])).toEqual(['resolving', 'downloading', 'extracting', 'done']);
    expect(progress.some((p) => p.phase === 'downloading' && p.received > 0 && p.total > 0)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', done: true });
    expect(await handlers['system.cuda']({}, CALL)).toEqual(a);
  });

  it('cancels a stalled download, keeps what arrived, and resumes it on the next click', async () => {
    const { home, progress, handlers } = service({ BERT_STUDIO_CUDA_FEED: feed.url });
    feed.stallAfter = 400_000;
    const first = handlers['system.enableCuda']({}, CALL);
    while (!progress.some((p) => p.received >= 400_000)) await new Promise((r) => setTimeout(r, 20));
    expect(await handlers['system.cancelCuda']({}, CALL)).toEqual({ cancelled: true });
    await expect(first).rejects.toMatchObject({ code: 'cancelled', message: 'The download was cancelled; Enable NVIDIA CUDA again to resume where it stopped.' });
    expect(cudaStatus(home).installed).toBe(false);
    expect(await handlers['system.cancelCuda']({}, CALL)).toEqual({ cancelled: false });
    const before = feed.log.length;
    expect((await handlers['system.enableCuda']({}, CALL)).installed).toBe(true);
    expect(feed.log.slice(before).filter((l) => l.includes('.nupkg'))).toEqual([expect.stringMatching(/ bytes=400000-$/)]);
  });

  it('answers a failed verification with its sentence, in the result and the last event', async () => {
    const { progress, handlers } = service({ BERT_STUDIO_CUDA_FEED: feed.url, BERT_STUDIO_CUDA_SHA256: 'cd'.repeat(32) });
    await expect(handlers['system.enableCuda']({}, CALL)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/failed verification: its sha256 is [0-9a-f]{64}, expected (cd){32}\. The file was deleted and nothing was installed; check the hash you gave/) });
    expect(progress.at(-1)).toMatchObject({ done: true, error: expect.stringContaining('failed verification') });
  });
});

describe('cudaStatus elsewhere', () => {
  it('is not offered off Linux x64, and says why', () => {
    expect(cudaStatus('/nowhere', 'darwin', 'arm64')).toEqual({ supported: false, installed: false, active: false, sentence: expect.stringContaining('Linux x64 only') });
  });
});
