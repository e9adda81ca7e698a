import { describe, expect, it } from 'vitest';
import { probeDevices, startFailure } from '../../main/engine/devices.ts';

describe('device probe', () => {
  it('lists every provider: the CPU trains, every other one says why it does not', async () => {
    const devices = await probeDevices();
    expect(devices.map((d) => d.device)).toEqual(['cpu', 'webgpu', 'cuda', 'dml', 'coreml']);
    const cpu = devices.find((d) => d.device === 'cpu')!;
    expect(cpu).toMatchObject({ training: true, works: true });
    for (const d of devices.filter((x) => !x.training)) expect(d.reason).toMatch(/^[A-Z].{20,}\.$/);
  });

  it('names the OS for providers of other platforms', async () => {
    const devices = await probeDevices('linux');
    expect(devices.find((d) => d.device === 'dml')?.reason).toBe('DirectML is not available on linux.');
    expect(devices.find((d) => d.device === 'coreml')?.reason).toBe('Core ML is not available on linux.');
  });

  it("turns ONNX Runtime's start-up assertions into a sentence", () => {
    const raw = '/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 Initialize adapter_result.status == Success was false. Failed to get a WebGPU adapter: No supported adapters';
    expect(startFailure('webgpu', raw)).toMatch(/^WebGPU found no GPU adapter .* training uses the CPU\.$/);
    expect(startFailure('cuda', 'x.cc:12 foo was false. CUDA driver version is insufficient')).toBe('CUDA (NVIDIA) did not start (CUDA driver version is insufficient); training uses the CPU.');
  });
});
