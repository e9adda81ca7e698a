// A small byte-level BPE vocabulary written for the tests: RoBERTa's special tokens, all 256
// byte characters (so nothing is unknown), and a few merges whose effect is easy to follow.
import { BYTE_TO_CHAR } from '../../main/text/byte-level.ts';

export const MERGES: [string, string][] = [
  ['Ġ', 't'], ['h', 'e'], ['Ġt', 'he'], ['l', 'l'], ['Ġ', 'w'], ['o', 'r'], ['Ġw', 'or'], ['l', 'd'], ['Ġwor', 'ld'],
  ['H', 'e'], ['He', 'll'], ['Hell', 'o'], ['Ġ', 'c'], ['a', 'f'], ['Ġc', 'af'], ['Ã', '©'], ['Ġcaf', 'Ã©'], ['i', 's'],
  ['Ġ', 'is'], ['e', 'r'], ['Ġ', 'Ġ'],
];

export function bpeVocab(): Map<string, number> {
  const tokens = ['<s>', '<pad>', '</s>', '<unk>', ...BYTE_TO_CHAR, ...MERGES.map(([a, b]) => a + b), '<mask>'];
  return new Map(tokens.map((t, i) => [t, i]));
}
