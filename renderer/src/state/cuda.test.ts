import { describe, expect, it } from 'vitest';
import type { CudaStatus } from '../../../main/api/contract.ts';
import { ApiClient } from '../lib/client.ts';
import { FakeTransport } from '../lib/fake-transport.ts';
import { CudaState } from './cuda.svelte.ts';

const OFFER: CudaStatus = { supported: true, installed: false, active: false, sentence: 'Enable NVIDIA CUDA to download it.' };
const RESTART: CudaStatus = { supported: true, installed: true, active: false, sentence: 'NVIDIA CUDA is installed; restart BERT Studio to use it.' };

describe('CudaState', () => {
  it('offers the button, follows the install, then shows the new status', async () => {
    let finish: (s: CudaStatus) => void = () => {};
    const t = new FakeTransport({ 'system.cuda': () => OFFER, 'system.enableCuda': () => new Promise<CudaStatus>((r) => (finish = r)) });
    const cuda = new CudaState(new ApiClient(t));
    await cuda.load();
    await cuda.load();
    expect(t.calls.filter((c) => c.method === 'system.cuda')).toHaveLength(1);
    expect(cuda.offered).toBe(true);
    const done = cuda.enable();
    void cuda.enable(); // a second click while busy does nothing
    expect(cuda.busy).toBe(true);
    t.emit('cuda.install', { phase: 'downloading', received: 50, total: 200, done: false });
    expect(cuda.progress).toMatchObject({ received: 50, total: 200 });
    finish(RESTART);
    await done;
    expect(t.calls.filter((c) => c.method === 'system.enableCuda')).toHaveLength(1);
    expect(cuda).toMatchObject({ busy: false, progress: null, error: null, offered: false, status: RESTART });
  });

  it('cancels only while installing', async () => {
    let fail: (e: Error) => void = () => {};
    const t = new FakeTransport({ 'system.cuda': () => OFFER, 'system.enableCuda': () => new Promise<CudaStatus>((_r, j) => (fail = j)), 'system.cancelCuda': () => ({ cancelled: true }) });
    const cuda = new CudaState(new ApiClient(t));
    await cuda.load();
    cuda.cancel();
    expect(t.calls.some((c) => c.method === 'system.cancelCuda')).toBe(false);
    const done = cuda.enable();
    cuda.cancel();
    await new Promise((r) => setTimeout(r, 0));
    expect(t.calls.filter((c) => c.method === 'system.cancelCuda')).toHaveLength(1);
    fail(new Error('The download was cancelled; Enable NVIDIA CUDA again to resume where it stopped.'));
    await done;
    expect(cuda.error).toMatch(/^The download was cancelled/);
    expect(cuda.offered).toBe(true);
  });

  it('shows the sentence of a failed install and offers the button again', async () => {
    const t = new FakeTransport({ 'system.cuda': () => OFFER, 'system.enableCuda': () => Promise.reject(new Error('Microsoft.ML.OnnxRuntime.Gpu.Linux 1.30.0 failed verification: …')) });
    const cuda = new CudaState(new ApiClient(t));
    await cuda.load();
    await cuda.enable();
    expect(cuda.error).toMatch(/failed verification/);
    expect(cuda.offered).toBe(true);
    expect(cuda.busy).toBe(false);
  });
});
