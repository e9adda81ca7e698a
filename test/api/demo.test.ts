import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../main/api/demo.ts';

describe('headless demo', () => {
  it('goes from the banking77 sample to a verified ONNX file', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bert-studio-demo-'));
    try {
      const lines: string[] = [];
      const r = await runDemo({ home, sampleId: 'banking77-intents', epochs: 1, onLine: (l) => lines.push(l) });
      expect(fs.existsSync(r.onnx)).toBe(true);
      expect(r.onnx.endsWith('model.onnx')).toBe(true);
      expect(lines[0]).toBe('Opening the banking77-intents sample…');
      expect(lines.some((l) => l.includes('much weaker than a pretrained one'))).toBe(true);
      expect(lines.at(-1)).toBe(`Exported and verified: ${r.onnx}`);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 180_000);
});
