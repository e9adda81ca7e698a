// Hugging Face's own Rust tokenizers (the `tokenizers` npm binding) as a second opinion: the
// same vocabulary through BertNormalizer + BertPreTokenizer + WordPiece, or ByteLevel + BPE.
// Its offsets count Unicode code points; ours count UTF-16 units (JavaScript indices), so
// toUtf16 converts before comparing.
import tk from 'tokenizers';

export type OracleTokenizer = InstanceType<typeof tk.Tokenizer>;

export function bertOracle(vocab: Map<string, number>, lowercase: boolean): OracleTokenizer {
  const t = new tk.Tokenizer(tk.WordPiece.init(Object.fromEntries(vocab), { unkToken: vocab.has('[UNK]') ? '[UNK]' : '<unk>' }));
  t.setNormalizer(tk.bertNormalizer({ lowercase, stripAccents: lowercase, cleanText: true, handleChineseChars: true }));
  t.setPreTokenizer(tk.bertPreTokenizer());
  const cls = vocab.has('[CLS]') ? '[CLS]' : '<s>';
  const sep = vocab.has('[SEP]') ? '[SEP]' : '</s>';
  t.setPostProcessor(tk.bertProcessing([sep, vocab.get(sep) ?? 0], [cls, vocab.get(cls) ?? 0]));
  // Hugging Face model folders declare these as special added tokens.
  t.addSpecialTokens(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].filter((x) => vocab.has(x)));
  return t;
}

export function robertaOracle(vocab: Map<string, number>, merges: [string, string][]): OracleTokenizer {
  const t = new tk.Tokenizer(tk.BPE.init(Object.fromEntries(vocab), merges));
  t.setPreTokenizer(tk.byteLevelPreTokenizer(false, true));
  t.setDecoder(tk.bpeDecoder());
  t.setPostProcessor(tk.robertaProcessing(['</s>', vocab.get('</s>') ?? 0], ['<s>', vocab.get('<s>') ?? 0], true, false));
  t.addSpecialTokens(['<s>', '<pad>', '</s>', '<unk>', '<mask>']);
  return t;
}

export function toUtf16(text: string, offsets: number[][]): [number, number][] {
  const map: number[] = [];
  let u = 0;
  for (const ch of text) {
    map.push(u);
    u += ch.length;
  }
  map.push(u);
  return offsets.map(([s, e]) => [map[s], map[e]]);
}
