// Every PyTorch parity fixture, at the README's tolerances.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runParity, TOLERANCE } from '../../main/engine/parity.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const fixtures = path.resolve(repoRoot, '../shared/fixtures/parity');
const dirs = fs.existsSync(fixtures) ? fs.readdirSync(fixtures).filter((d) => fs.existsSync(path.join(fixtures, d, 'expected.json'))) : [];

describe('parity with PyTorch', () => {
  it('finds the fixtures', () => {
    expect(dirs.length).toBeGreaterThanOrEqual(6);
  });
  for (const d of dirs) {
    it(`${d}: logits, loss, gradients and AdamW steps match`, async () => {
      const r = await runParity(path.join(fixtures, d));
      for (const [k, e] of Object.entries(r.errors)) {
        const tol = k === 'params_after' ? TOLERANCE.paramsAfter : k === 'param_delta' ? TOLERANCE.paramDelta : TOLERANCE.value;
        expect(e, `${d} ${k}`).toBeLessThanOrEqual(tol);
      }
      expect(r.errors.logits ?? r.errors.start_logits).toBeDefined();
      expect(r.pass).toBe(true);
    });
  }
});
