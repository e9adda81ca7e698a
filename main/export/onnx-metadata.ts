// What an exported ONNX file says about itself (ModelProto.metadata_props): the task, the
// labels (id → label) and the max length, so a product can run it with nothing but the file
// and its tokenizer. `bert_studio` carries the whole StudioModelInfo for an exact round trip
// (thresholds, slot tags, multi-label), the other keys are for people and other tools.
import fs from 'node:fs';
import protobuf from 'protobufjs';
import onnxProto from 'onnx-proto';
import { isTaskName } from '../tasks/registry.ts';
import type { StudioModelInfo } from '../train/model-folder.ts';

export const META = { task: 'task', labels: 'labels', maxLength: 'max_length', info: 'bert_studio', baseModel: 'base_model', precision: 'precision' } as const;

/** The metadata_props written into every export. */
export function exportMetadata(info: StudioModelInfo, extra: { baseModel?: string; precision: 'fp32' | 'int8' }): Record<string, string> {
  const id2label = Object.fromEntries(info.labels.names.map((l, i) => [String(i), l]));
  const meta: Record<string, string> = {
    [META.task]: info.task,
    [META.labels]: JSON.stringify(id2label),
    [META.maxLength]: String(info.maxLength),
    [META.info]: JSON.stringify(info),
    [META.precision]: extra.precision,
  };
  if (extra.baseModel) meta[META.baseModel] = extra.baseModel;
  return meta;
}

// ModelProto field numbers (onnx.proto3): graph = 7 holds every weight, metadata_props = 14.
const METADATA_FIELD = 14;

/**
 * Reads metadata_props without decoding the graph: the weights are skipped as one
 * length-delimited field, so this costs a file read, not a full protobuf decode.
 */
export function readOnnxMetadata(file: string): Record<string, string> {
  const bytes = fs.readFileSync(file);
  const reader = protobuf.Reader.create(bytes);
  const out: Record<string, string> = {};
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag >>> 3 === METADATA_FIELD && (tag & 7) === 2) {
      // Decoded from a slice: onnx-proto bundles its own protobufjs, whose decoders refuse our Reader.
      const len = reader.uint32();
      const entry = onnxProto.onnx.StringStringEntryProto.decode(bytes.subarray(reader.pos, reader.pos + len));
      reader.skip(len);
      out[entry.key] = entry.value;
    } else {
      reader.skipType(tag & 7);
    }
  }
  return out;
}

/** The model info an ONNX export carries, or an error naming the file and what is missing. */
export function studioInfoFromMetadata(file: string, meta: Record<string, string>): StudioModelInfo {
  const raw = meta[META.info];
  if (raw) {
    const info = JSON.parse(raw) as StudioModelInfo;
    if (isTaskName(info.task)) return info;
  }
  const task = meta[META.task];
  if (!task || !isTaskName(task) || !meta[META.labels]) {
    throw new Error(`${file} has no BERT Studio metadata (task and labels); export it again with 'bert-studio export', or predict with --model on the trained folder.`);
  }
  const id2label = JSON.parse(meta[META.labels]) as Record<string, string>;
  const names = Object.keys(id2label)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => id2label[k]);
  return { task, labels: { names }, maxLength: Number(meta[META.maxLength] ?? 512) };
}
