import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { placementNote, probeDevices, softwareVulkan, startFailure, trainingVerdict, PROBE_TOLERANCE } from '../../main/engine/devices.ts';
import { readPlacement, type Placement } from '../../main/engine/runtime.ts';

describe('device probe', () => {
  it('lists every provider: the CPU trains, every other one says why it does not', async () => {
    const devices = await probeDevices();
    expect(devices.map((d) => d.device)).toEqual(['cpu', 'webgpu', 'cuda', 'dml', 'coreml']);
    const cpu = devices.find((d) => d.device === 'cpu')!;
    expect(cpu).toMatchObject({ training: true, usable: true, works: true });
    for (const d of devices.filter((x) => !x.training)) expect(d.reason).toMatch(/^[A-Z].{20,}\.$/);
    // WebGPU is probed with a training step: when it ran, the probe says where its nodes ran and how far it is from the CPU.
    const webgpu = devices.find((d) => d.device === 'webgpu')!;
    if (webgpu.works) {
      expect(webgpu.placement!.onDevice).toBeGreaterThan(0);
      expect(webgpu.error).toBeLessThanOrEqual(PROBE_TOLERANCE);
      expect(webgpu.reason).toMatch(/nodes/);
    } else expect(webgpu.placement).toBeUndefined();
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

describe('training verdict of a GPU provider', () => {
  const allOnDevice: Placement = { onDevice: 900, onCpu: 0, cpuOps: {}, cpuCompute: [], cpuShare: 0, copies: 12 };
  const someOnCpu: Placement = { onDevice: 900, onCpu: 20, cpuOps: { Mod: 12, LogSoftmax: 1 }, cpuCompute: ['LogSoftmax'], cpuShare: 0.042, copies: 17 };

  it('trains when its step matches the CPU on a hardware adapter and the trainer takes it', () => {
    expect(trainingVerdict('webgpu', 1e-6, allOnDevice, undefined, new Set(['cpu', 'webgpu']))).toEqual({ training: true, usable: true, reason: 'WebGPU works and trains; its training step matches the CPU\'s (all 900 nodes on the device, 12 host↔device copies).' });
  });

  it('is usable but not claimed for training while the trainer runs on the CPU only', () => {
    const v = trainingVerdict('webgpu', 1e-6, someOnCpu, undefined, new Set(['cpu']));
    expect(v).toMatchObject({ training: false, usable: true });
    expect(v.reason).toMatch(/training runs do not use it yet/);
    expect(v.reason).toMatch(/20 of 920 nodes run on the CPU \(4\.2% of the output elements: Mod×12, LogSoftmax×1; float ops LogSoftmax\), 17 host↔device copies/);
  });

  it('is not used when its results differ from the CPU, or are NaN', () => {
    for (const error of [2e-4, NaN, Infinity]) {
      const v = trainingVerdict('webgpu', error, allOnDevice, undefined, new Set(['cpu', 'webgpu']));
      expect(v).toMatchObject({ training: false, usable: false });
      expect(v.reason).toMatch(/differ from the CPU's/);
    }
  });

  it('is not used on a software adapter, which is slower than the CPU provider', () => {
    const v = trainingVerdict('webgpu', 0, allOnDevice, 'software Vulkan driver vk_swiftshader_icd.json', new Set(['cpu', 'webgpu']));
    expect(v).toMatchObject({ training: false, usable: false });
    expect(v.reason).toMatch(/software Vulkan driver vk_swiftshader_icd\.json, slower than the CPU/);
  });

  it('says when every node ran on the device', () => {
    expect(placementNote(allOnDevice)).toBe('all 900 nodes on the device, 12 host↔device copies');
  });
});

describe('software Vulkan detection (Linux)', () => {
  const none = () => false;
  it('by the drivers the Vulkan loader is pointed at', () => {
    expect(softwareVulkan({ VK_ICD_FILENAMES: '/usr/lib/chromium/vk_swiftshader_icd.json' }, () => true, () => ['renderD128'])).toMatch(/vk_swiftshader_icd\.json/);
    expect(softwareVulkan({ VK_DRIVER_FILES: '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json' }, () => true, () => ['renderD128'])).toMatch(/lvp_icd/);
    expect(softwareVulkan({ VK_ICD_FILENAMES: '/usr/share/vulkan/icd.d/nvidia_icd.json:/x/lvp_icd.x86_64.json' }, () => true, () => ['renderD128'])).toBeUndefined();
  });

  it('by the absence of any GPU device node', () => {
    expect(softwareVulkan({}, none, () => [])).toMatch(/no GPU device/);
    expect(softwareVulkan({}, none, () => ['renderD128'])).toBeUndefined();
    expect(softwareVulkan({}, (p) => p === '/dev/nvidia0', () => [])).toBeUndefined();
    expect(softwareVulkan({}, (p) => p === '/dev/dxg', () => [])).toBeUndefined();
  });
});

describe('node placement from ORT profiles', () => {
  const node = (index: number, op: string, provider: string, out: Record<string, number[]>) => ({ cat: 'Node', name: `n${index}_kernel_time`, args: { node_index: String(index), op_name: op, provider, output_type_shape: [out] } });
  const gpu = 'WebGpuExecutionProvider';
  const cpu = 'CPUExecutionProvider';

  it('counts each node of a session once, per provider, with the share of elements computed on the CPU', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'placement-'));
    const run = [
      { cat: 'Session', name: 'model_run', args: {} },
      node(0, 'MatMul', gpu, { float: [4, 8] }),
      node(1, 'Mod', cpu, { int64: [4, 8] }),
      node(2, 'LogSoftmax', cpu, { float: [4, 2] }),
      node(3, 'MemcpyFromHost', gpu, { float: [4, 2] }),
      node(4, 'Shape', cpu, { int64: [2] }),
    ];
    // Two runs of one session (each node listed twice), and a second session.
    fs.writeFileSync(path.join(dir, 'session_1.json'), JSON.stringify([...run, ...run]));
    fs.writeFileSync(path.join(dir, 'session_2.json'), JSON.stringify([node(0, 'Softmax', gpu, { float: [4, 8] }), node(1, 'Mod', cpu, { int64: [4, 8] })]));
    const p = readPlacement(dir, 'webgpu');
    expect(p).toEqual({ onDevice: 2, onCpu: 4, cpuOps: { Mod: 2, LogSoftmax: 1, Shape: 1 }, cpuCompute: ['LogSoftmax'], cpuShare: (32 + 8 + 2 + 32) / (32 + 32 + 8 + 2 + 32 + 32), copies: 1 });
    // On the CPU itself nothing "falls back".
    expect(readPlacement(dir, 'cpu')).toMatchObject({ onCpu: 0, cpuCompute: [], cpuShare: 0 });
  });
});
