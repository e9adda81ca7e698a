// The default max length never exceeds what the base model's position table holds (BERT 64
// positions → 64, RoBERTa 64 → 62: it numbers from padding_idx + 1), and a user's --max-length
// beyond it is a sentence with exit 2, not an internal error from the engine.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSettingsForModel } from '../../main/api/services/settings-check.ts';
import { parseConfig } from '../../main/models/config.ts';
import { inputPositions, presetHyperparameters } from '../../main/train/presets.ts';
import { ROOT, runCli, tempDir } from '../data/helpers.ts';

const PARITY = path.resolve(ROOT, '../shared/fixtures/parity');
const configOf = (name: string) => parseConfig(JSON.parse(fs.readFileSync(path.join(PARITY, name, 'config.json'), 'utf8')), name);

describe('max length and the model\'s positions', () => {
  it('clamps the presets\' default to the positions: BERT 64 → 64, RoBERTa 64 → 62; QA too', () => {
    const bert = inputPositions(configOf('bert-tiny-seqcls'));
    const roberta = inputPositions(configOf('roberta-tiny-seqcls'));
    expect([bert, roberta]).toEqual([64, 62]);
    for (const preset of ['quick', 'balanced', 'thorough'] as const) {
      expect(presetHyperparameters({ preset, task: 'classification', trainRows: 500, maxPositions: bert }).maxLength).toBe(64);
      expect(presetHyperparameters({ preset, task: 'classification', trainRows: 500, maxPositions: roberta }).maxLength).toBe(62);
      expect(presetHyperparameters({ preset, task: 'qa', trainRows: 500, maxPositions: bert }).maxLength).toBe(64);
    }
    // A long position table leaves the preset's choice alone.
    expect(presetHyperparameters({ preset: 'quick', task: 'classification', trainRows: 500, maxPositions: 512 }).maxLength).toBe(128);
  });

  it('the API refuses settings longer than the model reads, with a sentence', () => {
    const shape = { config: configOf('roberta-tiny-seqcls'), head: { kind: 'sequence-classification' as const, numLabels: 3 }, pretrained: true };
    const settings = presetHyperparameters({ preset: 'quick', task: 'classification', trainRows: 500 });
    expect(() => checkSettingsForModel(settings, shape)).toThrow(/reads at most 62 tokens.*max length to 62 or less/);
    expect(() => checkSettingsForModel({ ...settings, maxLength: 62 }, shape)).not.toThrow();
  });

  it('train --model: a too-long --max-length exits 2 naming the config; the default trains on texts longer than the positions', async () => {
    const { dir, cleanup } = tempDir('bert-studio-maxlen-');
    try {
      // Texts of ~150 tokens, as in the report that found this (123-token batches on a 64-position BERT).
      const words = 'card payment pending transfer refund balance account '.repeat(20).trim();
      const rows = Array.from({ length: 24 }, (_, i) => `"${words} ${i}",${i % 2 ? 'yes' : 'no'}`);
      const csv = path.join(dir, 'long.csv');
      fs.writeFileSync(csv, `text,label\n${rows.join('\n')}\n`);
      const model = path.join(PARITY, 'roberta-tiny-seqcls');
      const tooLong = await runCli(['--home', dir, 'train', '--task', 'classification', '--train', csv, '--model', model, '--max-length', '100']);
      expect(tooLong.code).toBe(2);
      expect(tooLong.stderr).toContain(`Option --max-length 100 is longer than this base model reads: ${path.join(model, 'config.json')} gives it 62 positions. Use --max-length 62 or less`);
      expect(tooLong.stderr).not.toMatch(/internal/);
      const ok = await runCli(['--home', dir, 'train', '--task', 'classification', '--train', csv, '--model', model, '--epochs', '1', '--json'], 120_000);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout + ok.stderr).toMatch(/max length 62,/);
    } finally {
      cleanup();
    }
  }, 150_000);
});
