import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTokenizer, parseVocabTxt } from '../../main/text/index.ts';
import { MERGES, bpeVocab } from './bpe-fixture.ts';
import { bertOracle, robertaOracle } from './oracle.ts';
import { PARITY } from './shared-paths.ts';

const tmp = mkdtempSync(join(tmpdir(), 'bs-tok-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('loadTokenizer', () => {
  it('reads vocab.txt + tokenizer_config.json (uncased BERT fixture)', async () => {
    const t = await loadTokenizer(join(PARITY, 'bert-tiny-seqcls'));
    expect(t.kind).toBe('wordpiece');
    expect(t.vocabSize).toBe(1000);
    expect(t.special.pad.id).toBe(0);
    expect(t.special.cls.id).toBe(2);
    expect(t.modelMaxLength).toBe(512);
    expect(t.encode('THE Man').tokens).toEqual(['[CLS]', 'the', 'man', '[SEP]']);
  });

  it('takes special tokens from the config (RoBERTa names on a WordPiece vocab.txt, cased)', async () => {
    const t = await loadTokenizer(join(PARITY, 'roberta-tiny-seqcls'));
    expect([t.special.cls.id, t.special.pad.id, t.special.sep.id, t.special.unk.id]).toEqual([0, 1, 2, 3]);
    const e = t.encode('the man');
    expect(e.ids[0]).toBe(0);
    expect(e.ids[e.ids.length - 1]).toBe(2);
    // do_lower_case false: "The" stays capitalised (this cased vocabulary has both).
    expect(t.encode('The the').tokens.slice(1, 3)).toEqual(['The', 'the']);
  });

  it('reads vocab.json + merges.txt (RoBERTa)', async () => {
    const dir = join(tmp, 'roberta');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    writeFileSync(join(dir, 'vocab.json'), JSON.stringify(Object.fromEntries(bpeVocab())));
    writeFileSync(join(dir, 'merges.txt'), '#version: 0.2\n' + MERGES.map((m) => m.join(' ')).join('\n') + '\n');
    const t = await loadTokenizer(dir);
    expect(t.kind).toBe('bpe');
    expect(t.encode('Hello the world').tokens).toEqual(['<s>', 'Hello', 'Ġthe', 'Ġworld', '</s>']);
  });

  it('prefers tokenizer.json, reading what Hugging Face saved, for WordPiece and BPE', async () => {
    const vocab = parseVocabTxt(readFileSync(join(PARITY, 'bert-tiny-seqcls/vocab.txt'), 'utf8'));
    for (const [name, hf] of [['bert-json', bertOracle(vocab, true)], ['roberta-json', robertaOracle(bpeVocab(), MERGES)]] as const) {
      const dir = join(tmp, name);
      mkdirSync(dir, { recursive: true });
      hf.save(join(dir, 'tokenizer.json'));
      const t = await loadTokenizer(dir);
      for (const text of ['Héllo the wörld, café!', 'Hello  the world 🙂']) {
        expect(t.encode(text).ids).toEqual((await hf.encode(text)).getIds());
      }
    }
  });

  it('says what is missing when a folder has no tokenizer', async () => {
    await expect(loadTokenizer(tmp + '/nothing')).rejects.toThrow(/expected tokenizer.json, vocab.txt, or vocab.json with merges.txt/);
  });
});
