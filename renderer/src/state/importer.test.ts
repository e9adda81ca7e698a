import { describe, expect, it } from 'vitest';
import { ApiClient } from '../lib/client.ts';
import { FakeTransport } from '../lib/fake-transport.ts';
import { ImportState } from './importer.svelte.ts';

const PREVIEW = { path: '/tmp/x.csv', fileName: 'x.csv', format: 'csv', encoding: 'utf-8', columns: ['body', 'category'], rows: [['hi', 'a']], guessedTask: 'classification', guessedMapping: { text: 'body', label: 'category' }, fixedMapping: false };

function setup() {
  const chunks: { offset: number; base64: string }[] = [];
  const t = new FakeTransport({
    'uploads.begin': () => ({ uploadId: 'u1' }),
    'uploads.chunk': (p: { offset: number; base64: string }) => (chunks.push(p), { received: 0 }),
    'uploads.finish': () => ({ path: '/tmp/x.csv' }),
    'import.preview': () => PREVIEW,
  });
  return { t, chunks, state: new ImportState(new ApiClient(t)) };
}

describe('ImportState', () => {
  it('uploads the file in order and previews the copy with the guesses pre-selected', async () => {
    const { state, chunks } = setup();
    const content = 'x'.repeat(2_000_000);
    await state.upload(new File([content], 'x.csv'));
    expect(chunks.map((c) => c.offset)).toEqual([0, 786432, 1572864]);
    expect(chunks.map((c) => atob(c.base64)).join('')).toBe(content);
    expect(state.path).toBe('/tmp/x.csv');
    expect(state.mapping).toEqual({ text: 'body', label: 'category' });
    expect(state.missingRoles).toEqual([]);
    expect(state.uploadFraction).toBe(1);
  });

  it('refuses an empty file with a sentence', async () => {
    const { state } = setup();
    await state.upload(new File([], 'empty.csv'));
    expect(state.error).toBe('empty.csv is empty. Choose a file with data in it.');
  });

  it('lists the roles the task still needs, and checks the split shares', async () => {
    const { state } = setup();
    await state.open('/tmp/x.csv', 'x.csv');
    state.setRole('label', '');
    expect(state.missingRoles).toEqual(['Label']);
    state.setTask('qa');
    expect(state.missingRoles).toEqual(['Context', 'Question', 'Answer text']);
    state.setSplits({ train: 0.7 });
    expect(state.splitSumOk).toBe(false);
    state.setSplits({ test: 0.2 });
    expect(state.splitSumOk).toBe(true);
  });

  it('follows progress events of its own job only', async () => {
    const { state, t } = setup();
    t.handlers['import.analyze'] = () => new Promise(() => undefined);
    await state.open('/tmp/x.csv', 'x.csv');
    void state.analyze(1);
    const jobId = (t.calls.at(-1)?.params as { jobId: string }).jobId;
    t.emit('import.progress', { jobId: 'other', phase: 'checking', rows: 5, bytesRead: 1, bytesTotal: 2 });
    expect(state.progress).toBeNull();
    t.emit('import.progress', { jobId, phase: 'checking', rows: 5, bytesRead: 1, bytesTotal: 4 });
    expect(state.progress).toEqual({ phase: 'checking', rows: 5, fraction: 0.25 });
  });

  it('imports the sheet the user chose and previewed, not always the first', async () => {
    const { state, t } = setup();
    t.handlers['import.preview'] = (p: { sheet?: string }) => ({ ...PREVIEW, sheets: ['Summary', 'Tickets'], rows: [[p.sheet ?? 'Summary', 'a']] });
    t.handlers['import.analyze'] = () => ({ ok: true });
    await state.open('/tmp/x.xlsx', 'x.xlsx');
    expect(state.sheet).toBe('Summary');
    await state.open('/tmp/x.xlsx', 'x.xlsx', 'Tickets');
    expect(state.sheet).toBe('Tickets');
    await state.analyze(1);
    expect(t.calls.at(-1)).toMatchObject({ method: 'import.analyze', params: { sheet: 'Tickets' } });
  });
});
