import fs from 'node:fs';
import { analyzeImport } from './main/data/index.ts';
const file = '/tmp/bench200k.csv';
if (!fs.existsSync(file)) {
  const lines = ['id,text,label'];
  for (let i = 0; i < 200000; i++) lines.push(`${i},Customer ${i} asks about invoice ${(i * 7919) % 100003} and the delivery date of order ${i % 9973},l${i % 7}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
}
const t = performance.now();
await analyzeImport(file, { task: 'classification' });
console.log((performance.now() - t) / 1000, process.resourceUsage().maxRSS / 1024);
