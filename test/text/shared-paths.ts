// The project's shared fixtures and data live beside the repository (../shared, DESIGN.md).
import { fileURLToPath } from 'node:url';

export const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
export const PARITY = `${SHARED}fixtures/parity`;
/** The parity fixtures' 1000-token uncased BERT vocabulary. */
export const BERT_VOCAB_TXT = `${PARITY}/bert-tiny-seqcls/vocab.txt`;
