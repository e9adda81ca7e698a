// The PyTorch parity fixtures on ONNX Runtime's WebGPU provider, wherever the device probe
// says WebGPU runs a training step. On a Linux machine without a GPU the test points Vulkan at
// Chromium's SwiftShader (Debian's chromium package, already there for the end-to-end tests),
// so the training graph is checked on Dawn's WebGPU everywhere. It needs the Vulkan loader
// (Debian: libvulkan1); without it the probe says why and the test is skipped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeDevicesOnce, softwareVulkan, type DeviceStatus } from '../../main/engine/devices.ts';
import { Graph } from '../../main/graph/ir.ts';
import { serialize } from '../../main/graph/onnx.ts';
import { runParity, TOLERANCE } from '../../main/engine/parity.ts';
import { createSession } from '../../main/engine/runtime.ts';
import { dropoutMask, siteKey } from '../../main/models/graph/dropout.ts';
import { runCli } from './run-cli.ts';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
// Before the first WebGPU session: the Vulkan loader reads the variable when Dawn starts it.
if (process.platform === 'linux' && !process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && softwareVulkan() && fs.existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;

const fixtures = path.resolve(import.meta.dirname, '../../../shared/fixtures/parity');
const dirs = fs.existsSync(fixtures) ? fs.readdirSync(fixtures).filter((d) => fs.existsSync(path.join(fixtures, d, 'expected.json'))) : [];

const webgpu: DeviceStatus = (await probeDevicesOnce()).find((d) => d.device === 'webgpu')!;
if (!webgpu.works) console.warn(`WebGPU parity skipped: ${webgpu.reason}`);

describe.skipIf(!webgpu.works)('parity with PyTorch on WebGPU', () => {
  it('the probe ran its training step on WebGPU and matched the CPU', () => {
    expect(webgpu.error).toBeLessThanOrEqual(1e-4);
    // Its step has dropout on: the masks' per-element hash runs on the device (int32 ops, see
    // models/graph/dropout.ts), keys come from the host, shapes are static and the batch's integer
    // arithmetic runs in the host prelude: no node is left for ORT to put on the CPU, no copy.
    expect(webgpu.placement!.onDevice).toBeGreaterThan(100);
    expect(webgpu.placement!.onCpu, JSON.stringify(webgpu.placement!.cpuOps)).toBe(0);
    expect(webgpu.placement!.copies).toBe(0);
    // Whether the adapter has half-precision shaders (SwiftShader has none): mixed precision's prerequisite.
    expect(typeof webgpu.shaderF16).toBe('boolean');
  });

  it('draws the same dropout masks as the CPU, bit for bit, with the hash on the device', async () => {
    const g = new Graph('dropout');
    const x = g.input('x', 'float32', ['n', 96]);
    const seed = g.input('seed', 'int64', []);
    const step = g.input('step', 'int64', []);
    g.output(dropoutMask(x, 0.1, siteKey(seed, step, 3)), 'y');
    const feeds = { x: { dtype: 'float32' as const, shape: [40, 96], data: new Float32Array(40 * 96).fill(1) }, seed: { dtype: 'int64' as const, shape: [], data: BigInt64Array.of(42n) }, step: { dtype: 'int64' as const, shape: [], data: BigInt64Array.of(9n) } };
    const masks: Float32Array[] = [];
    for (const device of ['cpu', 'webgpu'] as const) {
      const session = await createSession(serialize(g), { device });
      masks.push((await session.run(feeds)).y.data as Float32Array);
      await session.release();
    }
    expect(masks[0].filter((v) => v === 0).length).toBeGreaterThan(0);
    expect(Array.from(masks[1])).toEqual(Array.from(masks[0]));
  });

  it('finds the fixtures', () => {
    expect(dirs.length).toBeGreaterThanOrEqual(6);
  });

  for (const d of dirs) {
    it(`${d}: logits, loss, gradients and AdamW steps match on WebGPU`, { timeout: 300_000 }, async () => {
      const r = await runParity(path.join(fixtures, d), { device: 'webgpu' });
      for (const [k, e] of Object.entries(r.errors)) {
        const tol = k === 'params_after' ? TOLERANCE.paramsAfter : k === 'param_delta' ? TOLERANCE.paramDelta : TOLERANCE.value;
        expect(e, `${d} ${k}`).toBeLessThanOrEqual(tol);
      }
      expect(r.pass).toBe(true);
      expect(r.device).toBe('webgpu');
      const p = r.placement!;
      expect(p.onDevice).toBeGreaterThan(100);
      expect(p.onCpu, `${d}: nodes ORT moved to the CPU: ${JSON.stringify(p.cpuOps)}`).toBe(0);
    });
  }
});


describe('bert-studio parity and bench --device', () => {
  it('refuses a device this build does not enable for training', async () => {
    const { code } = await runCli(['parity', path.join(fixtures, 'bert-tiny-seqcls'), '--device', 'coreml', '--json']);
    expect(code).toBe(2);
  });

  it.skipIf(!webgpu.verified)('bench --device webgpu runs its steps there and says so in the result', { timeout: 300_000 }, async () => {
    const { code, last } = await runCli(['bench', '--size', 'tiny', '--batch', '2', '--seq', '8', '--steps', '1', '--device', 'webgpu', '--json']);
    expect(code).toBe(0);
    expect(last).toMatchObject({ size: 'tiny', device: 'webgpu', steps: 1, ratio: null });
  });

  it.skipIf(!webgpu.works)('runs a fixture on WebGPU and reports where the nodes ran', { timeout: 300_000 }, async () => {
    const { code, last } = await runCli(['parity', path.join(fixtures, 'bert-tiny-tokencls'), '--device', 'webgpu', '--out', fs.mkdtempSync(path.join(os.tmpdir(), 'parity-')), '--json']);
    expect(code).toBe(0);
    expect(last).toMatchObject({ fixture: 'bert-tiny-tokencls', device: 'webgpu', pass: true });
    expect((last.placement as { onDevice: number }).onDevice).toBeGreaterThan(0);
  });
});
