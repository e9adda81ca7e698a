import { describe, expect, it } from 'vitest';
import { createByteLevelBpeTokenizer } from '../../main/text/index.ts';
import { MERGES, bpeVocab } from './bpe-fixture.ts';
import { robertaOracle, toUtf16 } from './oracle.ts';

const vocab = bpeVocab();
const tok = createByteLevelBpeTokenizer({ vocab, merges: MERGES });

describe('byte-level BPE (RoBERTa): hand-checked', () => {
  it('splits with the GPT-2 regex, merges by rank, marks spaces Ġ and trims them from offsets', () => {
    const text = 'Hello the world';
    const e = tok.encode(text);
    // "Hello": H e → He, l l → ll, He ll → Hell, Hell o → Hello; " the": Ġ t → Ġt, h e → he,
    // Ġt he → Ġthe; " world": Ġ w, o r, Ġw or, l d, Ġwor ld.
    expect(e.tokens).toEqual(['<s>', 'Hello', 'Ġthe', 'Ġworld', '</s>']);
    // "Ġthe" covers " the" [5, 9) but trim_offsets drops the space: [6, 9).
    expect(e.offsets).toEqual([[0, 0], [0, 5], [6, 9], [10, 15], [0, 0]]);
    expect(e.ids[0]).toBe(0);
    expect(e.ids[4]).toBe(2);
  });

  it('maps multi-byte characters through bytes: "é" is Ã ©, offsets stay on the character', () => {
    const text = 'the café';
    const e = tok.encode(text);
    // "the" at the start has no Ġ: t + he (no "t he" merge). " café" bytes Ġ c a f Ã ©:
    // Ġc, af, Ġcaf, Ã©, then Ġcaf + Ã© → "ĠcafÃ©" spanning "café" [4, 8) (space trimmed).
    expect(e.tokens).toEqual(['<s>', 't', 'he', 'ĠcafÃ©', '</s>']);
    expect(e.offsets.slice(1, 4)).toEqual([[0, 1], [1, 3], [4, 8]]);
    expect(tok.decode(e.ids)).toBe(text);
  });

  it('keeps each byte of an emoji on the emoji, in UTF-16 units', () => {
    const e = tok.encode('🙂 the');
    // 🙂 = F0 9F 99 82: four byte tokens all spanning [0, 2); " the" → Ġthe at [3, 6).
    expect(e.offsets.slice(1, 6)).toEqual([[0, 2], [0, 2], [0, 2], [0, 2], [3, 6]]);
  });

  it('pairs use <s> A </s></s> B </s> with all token types 0', () => {
    const e = tok.encodePair('Hello', 'the world');
    expect(e.tokens).toEqual(['<s>', 'Hello', '</s>', '</s>', 't', 'he', 'Ġworld', '</s>']);
    expect(e.tokenTypeIds.every((t) => t === 0)).toBe(true);
    expect(e.sequenceIds).toEqual([null, 0, null, null, 1, 1, 1, null]);
  });

  it('windows leave room for the four special tokens', () => {
    const ws = tok.encodeWindows('Hello', 'the world the world the world', { maxLength: 9, stride: 1 });
    // context: t he Ġworld Ġthe Ġworld Ġthe Ġworld (7); room 9 - 4 - 1 = 4, step 3 → [0,4) [3,7).
    expect(ws.map((w) => w.ids.length)).toEqual([9, 9]);
    expect(ws[1].tokens.slice(4, 8)).toEqual(['Ġthe', 'Ġworld', 'Ġthe', 'Ġworld']);
  });

  it('pre-split words each get a prefix space, as add_prefix_space=True does', () => {
    const e = tok.encodeWords(['Hello', 'world']);
    expect(e.tokens).toEqual(['<s>', 'Ġ', 'Hello', 'Ġworld', '</s>']);
    expect(e.wordIds).toEqual([null, 0, 0, 1, null]);
    // Offsets into "Hello world". The lone added space "Ġ" sits on the word's first character
    // and trim_offsets shrinks it to the empty [0, 0) (Hugging Face keeps only a merged one).
    expect(e.offsets.slice(1, 4)).toEqual([[0, 0], [0, 5], [6, 11]]);
  });
});

describe('byte-level BPE equals Hugging Face tokenizers (Rust)', () => {
  it('on spacing, contractions, digits, newlines and non-Latin text', async () => {
    const hf = robertaOracle(vocab, MERGES);
    const texts = ['Hello the world', 'Hello  the   world  ', ' the café is  cafés', "it's 2024, world's end!\n\nok", '日本 🙂 the', 'the\tworld', '', 'Hello <mask> world', 'Hello<mask>world</s>'];
    for (const text of texts) {
      const a = tok.encode(text);
      const b = await hf.encode(text);
      expect({ text, ids: a.ids, offsets: a.offsets }).toEqual({ text, ids: b.getIds(), offsets: toUtf16(text, b.getOffsets()) });
    }
    const p = await hf.encode('Hello the', 'the world');
    expect(tok.encodePair('Hello the', 'the world').ids).toEqual(p.getIds());
    expect(tok.encodePair('Hello the', 'the world').tokenTypeIds).toEqual(p.getTypeIds());
  });
});
