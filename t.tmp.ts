import { analyzeImport } from './main/data/index.ts';
const r = await analyzeImport('test/fixtures/bad/slot-count-mismatch.csv', { task: 'intent' });
console.log(JSON.stringify(r.mapping), JSON.stringify(r.files), r.errors);
