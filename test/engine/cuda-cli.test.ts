import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ortPackage } from '../../main/engine/cuda-runtime.ts';
import { runCli } from '../hub/run-cli.ts';
import { fakeCudaPackage, startFakeFeed, type FakeFeed } from './cuda-feed.ts';

// `bert-studio devices --install cuda` end to end, against a local feed serving a fake package.
let feed: FakeFeed;
const homes: string[] = [];
const newHome = () => {
  const h = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-cuda-cli-'));
  homes.push(h);
  return h;
};

beforeAll(async () => {
  feed = await startFakeFeed(fakeCudaPackage().zip, ortPackage().version);
});
afterAll(async () => {
  await feed.close();
  for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('bert-studio devices --install cuda', () => {
  it('installs, says where, probes CUDA from the new folder; the second run downloads nothing', async () => {
    const home = newHome();
    const r = await runCli(home, ['devices', '--install', 'cuda', '--feed', feed.url, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const install = r.json?.cuda_install as { dir: string; already_installed: boolean; package: { sha256: string } };
    expect(install).toMatchObject({ already_installed: false, package: { sha256: feed.sha256 } });
    expect(install.dir.startsWith(path.join(home, 'runtimes'))).toBe(true);
    expect(r.stderr).toContain('Microsoft.ML.OnnxRuntime.Gpu.Linux'); // progress
    // The probe opened the CUDA provider (the fake libraries fail to load): it is reported, not used.
    const cuda = (r.json?.devices as { device: string; works: boolean; reason: string }[]).find((d) => d.device === 'cuda');
    expect(cuda).toMatchObject({ works: false });
    expect(r.json?.training_device).not.toBe('cuda');

    const requests = feed.log.length;
    const again = await runCli(home, ['devices', '--install', 'cuda', '--feed', feed.url]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^NVIDIA CUDA was already enabled/);
    expect(feed.log.length).toBe(requests);
  }, 120_000);

  it('exits 2 with a sentence on bad input and on a package that fails verification', async () => {
    const home = newHome();
    const cases: [string[], RegExp][] = [
      [['--install', 'rocm'], /--install must be one of cuda/],
      [['--feed', feed.url], /--feed and --sha256 go with --install cuda/],
      [['--install', 'cuda', '--sha256', 'xyz', '--feed', feed.url], /'xyz' is not a sha256/],
      [['--install', 'cuda', '--sha256', '0'.repeat(64), '--feed', feed.url], /failed verification: its sha256 is [0-9a-f]{64}, expected 0{64}/],
      [['--install', 'cuda', '--feed', 'http://127.0.0.1:1/v3/index.json'], /refused the connection/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(home, ['devices', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(fs.existsSync(path.join(home, 'runtimes', `onnxruntime-cuda-${ortPackage().version}`))).toBe(false);
  }, 120_000);
});
