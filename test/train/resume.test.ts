import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const data = path.join(root, 'test/fixtures/train/banking4-240.csv');
const cliPath = path.join(root, 'bin/bert-studio.mjs');
const trainArgs = ['train', '--task', 'classification', '--train', data, '--from-scratch', 'tiny', '--epochs', '3', '--batch-size', '8', '--max-length', '32', '--patience', '0', '--json'];

function lastJson(stdout: string): { run: number; stopped: string; metrics: { validation: Record<string, number>; test: Record<string, number> } } {
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

describe('a run killed with SIGKILL mid-epoch and resumed', () => {
  it('ends with the same metrics as the uninterrupted run', async () => {
    const homeA = mkdtempSync(path.join(os.tmpdir(), 'bs-resume-a-'));
    const a = spawnSync(process.execPath, [cliPath, '--home', homeA, ...trainArgs], { encoding: 'utf8' });
    expect(a.status, a.stderr).toBe(0);
    const uninterrupted = lastJson(a.stdout);

    const homeB = mkdtempSync(path.join(os.tmpdir(), 'bs-resume-b-'));
    const child = spawn(process.execPath, [cliPath, '--home', homeB, ...trainArgs]);
    let err = '';
    // Kill as soon as the first checkpoint (written atomically after the epoch-1 evaluation) is
    // on disk, i.e. early in epoch 2. A fixed delay after the evaluation line raced: on an idle
    // machine this tiny run finished its last two epochs within 700 ms.
    const checkpoint = path.join(homeB, 'runs', '1', 'checkpoint', 'state.json');
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => void (err += d.toString()));
      const poll = setInterval(() => {
        if (existsSync(checkpoint)) {
          clearInterval(poll);
          child.kill('SIGKILL');
        }
      }, 2);
      child.on('exit', (code, signal) => {
        clearInterval(poll);
        if (signal === 'SIGKILL') resolve();
        else reject(new Error(`run was not killed (exit ${code}):\n${err}`));
      });
    });

    const b = spawnSync(process.execPath, [cliPath, '--home', homeB, 'train', '--resume', '1', '--json'], { encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/Resuming at step \d+/);
    const resumed = lastJson(b.stdout);
    for (const split of ['validation', 'test'] as const) {
      for (const [name, value] of Object.entries(uninterrupted.metrics[split])) {
        expect(Math.abs(resumed.metrics[split][name] - value), `${split} ${name}`).toBeLessThanOrEqual(1e-5);
      }
    }
  });
});
