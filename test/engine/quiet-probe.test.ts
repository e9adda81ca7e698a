// Native libraries' messages during the device probe (Dawn, the Vulkan loader) go to the app's
// log file, never to the terminal: the probe runs in a child whose descriptors 1 and 2 are the log.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unprobedStatuses } from '../../main/engine/devices.ts';
import { HelperUnavailableError, nativeLogFile, runQuietChild, setNativeLogFile } from '../../main/engine/quiet-probe.ts';
import { chooseDevice } from '../../main/train/device.ts';
import { ROOT, runCli, tempDir } from '../data/helpers.ts';

const { dir, cleanup } = tempDir('bert-studio-quiet-');
afterAll(cleanup);

describe('native output of the device probe', () => {
  it('a child\'s writes to descriptors 1 and 2 land in the log file; its answer comes back intact', async () => {
    const log = path.join(dir, 'logs', 'native.log');
    const before = nativeLogFile();
    setNativeLogFile(log);
    try {
      const answer = await runQuietChild<{ answer: number; infinite: number }>(path.join(ROOT, 'test/fixtures/engine/noisy-child.ts'));
      expect(answer).toEqual({ answer: 42, infinite: Infinity });
    } finally {
      setNativeLogFile(before);
    }
    const text = fs.readFileSync(log, 'utf8');
    expect(text).toContain('error: XDG_RUNTIME_DIR is invalid or not set in the environment.');
    expect(text).toContain('Warning: Vulkan shaderUniform*ArrayDynamicIndexing required.');
  }, 60_000);

  it('a child that dies without answering is an error naming the log (not a helper that could not start); the CPU is then reported alone', async () => {
    const log = path.join(dir, 'logs', 'crash.log');
    const before = nativeLogFile();
    setNativeLogFile(log);
    try {
      const err = await runQuietChild(path.join(ROOT, 'test/fixtures/engine/crashing-child.ts')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(HelperUnavailableError);
      expect((err as Error).message).toBe(`the ${path.join(ROOT, 'test/fixtures/engine/crashing-child.ts')} helper exited (code 139) without a result; see ${log}`);
    } finally {
      setNativeLogFile(before);
    }
    expect(fs.readFileSync(log, 'utf8')).toContain('Segmentation fault in a driver (simulated)');
    const statuses = unprobedStatuses('the device probe ended abnormally (code 139)');
    expect(statuses.filter((s) => s.training).map((s) => s.device)).toEqual(['cpu']);
    expect(chooseDevice('auto', statuses)).toEqual({ device: 'cpu', reason: 'WebGPU was not checked: the device probe ended abnormally (code 139); training uses the CPU.' });
  }, 60_000);

  it('bert-studio devices prints only its own sentences; the probe\'s child wrote to <home>/logs/native.log', async () => {
    const home = path.join(dir, 'home');
    const r = await runCli(['--home', home, 'devices']);
    expect(r.code, r.stderr).toBe(0);
    // What Dawn and the Vulkan loader print where a Vulkan loader is installed (CI installs libvulkan1).
    for (const noise of ['XDG_RUNTIME_DIR', 'Warning:', 'dawn', 'InitializeImpl']) expect(r.stdout + r.stderr).not.toContain(noise);
    expect(r.stdout).toMatch(/^\* cpu {5}CPU works and trains\.$/m);
    expect(fs.readFileSync(path.join(home, 'logs', 'native.log'), 'utf8')).toMatch(/--- .* probe-child \(pid \d+\) ---/);
  }, 60_000);
});
