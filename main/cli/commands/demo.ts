import type { Command } from '../command.ts';
import { num, str } from '../parse.ts';
import { runDemo } from '../../api/demo.ts';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'Try BERT Studio headless: a sample dataset, a tiny model from scratch, evaluation and an ONNX export',
  usage: '[--sample ID] [--epochs N]',
  options: [
    { name: 'sample', type: 'string', value: 'ID', help: 'Sample to use: banking77 (default), banking77-intents, wnut17, wnut17-questions' },
    { name: 'epochs', type: 'string', value: 'N', help: 'Passes over the data (default: the Quick preset)' },
  ],
  async run(ctx, args) {
    const sampleId = str(args, 'sample');
    const epochs = num(args, 'epochs', { min: 1, max: 100, integer: true });
    const r = await runDemo({ home: ctx.home, ...(sampleId ? { sampleId } : {}), ...(epochs ? { epochs } : {}), onLine: (l) => ctx.out.info(l), signal: ctx.signal });
    ctx.out.result({ project: r.projectId, run: r.runId, headline: r.headline, onnx: r.onnx }, () => `Exported and verified: ${r.onnx}`);
  },
};
