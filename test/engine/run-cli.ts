// Runs the real CLI in this process with output captured: its exit code and the last JSON line
// it printed (commands print their --json result last).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { vi } from 'vitest';
import { main } from '../../main/cli.ts';

export async function runCli(args: string[]): Promise<{ code: number; last: Record<string, unknown> }> {
  const lines: string[] = [];
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const errLog = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(s));
  try {
    const code = await main(args, { BERT_STUDIO_HOME: fs.mkdtempSync(path.join(os.tmpdir(), 'home-')) });
    const json = lines.join('').trim().split('\n').filter((l) => l.startsWith('{'));
    return { code, last: JSON.parse(json[json.length - 1] ?? '{}') as Record<string, unknown> };
  } finally {
    out.mockRestore();
    err.mockRestore();
    errLog.mockRestore();
    log.mockRestore();
  }
}
