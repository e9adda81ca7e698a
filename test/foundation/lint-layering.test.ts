import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** Lints a fixture's text as if it were the file at `asPath`; returns the rule ids that fired. */
async function ruleIds(fixture: string, asPath: string): Promise<string[]> {
  const text = readFileSync(path.join(root, 'test/lint-fixtures', fixture), 'utf8');
  const [result] = await eslint.lintText(text, { filePath: path.join(root, asPath) });
  return result.messages.filter((m) => m.severity === 2).map((m) => m.ruleId ?? 'fatal');
}

describe('layering rules (DESIGN.md) are lint errors', () => {
  it('rejects main/ importing electron', async () => {
    expect(await ruleIds('main-imports-electron.ts', 'main/engine/_fixture.ts')).toContain('no-restricted-imports');
  });

  it('allows the same import under electron/', async () => {
    expect(await ruleIds('main-imports-electron.ts', 'electron/_fixture.ts')).not.toContain('no-restricted-imports');
  });

  it('rejects renderer/ importing main/ outside the API contract', async () => {
    expect(await ruleIds('renderer-imports-store.ts', 'renderer/src/lib/_fixture.ts')).toContain('no-restricted-imports');
  });

  it('keeps the engine layers pointing down: graph/ imports no model, models/ no engine', async () => {
    expect(await ruleIds('graph-imports-models.ts', 'main/graph/_fixture.ts')).toContain('no-restricted-imports');
    expect(await ruleIds('models-imports-engine.ts', 'main/models/_fixture.ts')).toContain('no-restricted-imports');
    expect(await ruleIds('graph-imports-models.ts', 'main/engine/_fixture.ts')).not.toContain('no-restricted-imports');
  });
});
