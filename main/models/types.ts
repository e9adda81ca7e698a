// What a model is, independent of how it runs: the task head on top of the encoder, and a
// parameter's values. The engine (above) and the graph builders (here) both speak these.

export type HeadSpec =
  | { kind: 'sequence-classification'; numLabels: number; multiLabel?: boolean }
  | { kind: 'token-classification'; numLabels: number }
  | { kind: 'question-answering' }
  | { kind: 'joint-intent-slots'; numIntents: number; numSlots: number };

export interface TensorData {
  dtype: 'float32';
  shape: number[];
  data: Float32Array;
}
