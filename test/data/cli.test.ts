import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, runCli, tempDir } from './helpers.ts';

let home: string;
let cleanup: () => void;
beforeAll(() => ({ dir: home, cleanup } = tempDir()));
afterAll(() => cleanup());

describe('bert-studio import / datasets / projects', () => {
  it('imports a file, prints the JSON report last, and lists the dataset', async () => {
    const r = await runCli(['--home', path.join(home, 'new-folder'), 'import', path.join(FIXTURES, 'good.csv'), '--task', 'classification', '--project', 'Tickets', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ dataset: 1, rows: 60, splits: { train: 48, validation: 6, test: 6 }, labels: ['billing', 'sales', 'technical'], errors: [] });
    expect(Array.isArray(r.json?.warnings)).toBe(true);

    const list = await runCli(['--home', path.join(home, 'new-folder'), 'datasets', '--project', 'tickets', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect(list.json).toMatchObject({ datasets: [{ id: 1, name: 'good', project: 'Tickets', task: 'classification', rows: 60, labels: 3 }] });

    const text = await runCli(['--home', path.join(home, 'new-folder'), 'projects']);
    expect(text.stdout).toMatch(/Tickets {2}1 dataset, 0 runs, no runs/);

    const none = await runCli(['--home', path.join(home, 'new-folder'), 'datasets', '--project', 'Nope']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/There is no project named 'Nope'/);
  });

  it('needs --task, and --dry-run stores nothing', async () => {
    const noTask = await runCli(['--home', home, 'import', path.join(FIXTURES, 'good.csv')]);
    expect(noTask.code).toBe(2);
    expect(noTask.stderr).toMatch(/Option --task is required/);
    const dry = await runCli(['--home', home, 'import', path.join(FIXTURES, 'good.csv'), '--task', 'classification', '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.json).toMatchObject({ dataset: null, rows: 60 });
    const list = await runCli(['--home', home, 'datasets', '--json']);
    expect(list.json).toEqual({ datasets: [] });
  });
});
