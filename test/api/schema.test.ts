import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../main/api/contract.ts';
import { BoundaryError } from '../../main/api/schema.ts';

const parse = (method: keyof typeof COMMANDS, params: unknown) => COMMANDS[method].params.parse(params, 'request');
const message = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BoundaryError);
    return (err as Error).message;
  }
  throw new Error('expected a BoundaryError');
};

const SETTINGS = { epochs: 2, batchSize: 16, lr: 1e-3, maxLength: 64, warmupRatio: 0.06, weightDecay: 0.01, patience: 3, minDelta: 0, maxGradNorm: 1, seed: 42, stride: 128 };

describe('request validation at the boundary', () => {
  it('accepts a valid request and trims names', () => {
    expect(parse('projects.create', { name: '  Tickets  ' })).toEqual({ name: 'Tickets' });
    expect(parse('runs.start', { datasetId: 3, base: { kind: 'scratch', size: 'tiny' }, settings: SETTINGS })).toEqual({ datasetId: 3, base: { kind: 'scratch', size: 'tiny' }, settings: SETTINGS });
  });

  it('says which field is wrong, in words', () => {
    expect(message(() => parse('projects.create', { name: '   ' }))).toBe('The name must not be empty.');
    expect(message(() => parse('projects.create', {}))).toBe('The name must be text.');
    expect(message(() => parse('projects.rename', { projectId: 0, name: 'x' }))).toBe('The project must be at least 1.');
    expect(message(() => parse('runs.start', { datasetId: 1, base: { kind: 'scratch', size: 'tiny' }, settings: { ...SETTINGS, epochs: 1.5 } }))).toBe('The epochs must be a whole number.');
    expect(message(() => parse('runs.start', { datasetId: 1, base: { kind: 'scratch', size: 'tiny' }, settings: { ...SETTINGS, lr: 5 } }))).toBe('The learning rate must be at most 1.');
    expect(message(() => parse('runs.start', { datasetId: 1, base: { kind: 'scratch', size: 'tiny' }, settings: { ...SETTINGS, device: 'gpu' } }))).toBe('The training device must be one of auto, cpu, webgpu.');
    expect(parse('runs.start', { datasetId: 1, base: { kind: 'scratch', size: 'tiny' }, settings: { ...SETTINGS, device: 'webgpu' } })).toMatchObject({ settings: { device: 'webgpu' } });
    expect(message(() => parse('runs.start', { datasetId: 1, base: { kind: 'scratch', size: 'huge' }, settings: SETTINGS }))).toBe('The base model size must be one of tiny, mini, small.');
    expect(message(() => parse('runs.start', { datasetId: 1, base: { kind: 'magic' }, settings: SETTINGS }))).toBe('The base model must have kind pretrained or scratch.');
    expect(message(() => parse('export.start', { runId: 1, formats: [] }))).toBe('The export formats must have at least 1 item.');
    expect(message(() => parse('export.start', { runId: 1, formats: ['pdf'] }))).toBe('The export formats item 1 must be one of onnx, onnx-int8, hf.');
  });

  it('refuses unknown fields instead of ignoring them', () => {
    expect(message(() => parse('projects.create', { name: 'a', colour: 'red' }))).toBe('The request has an unknown field "colour".');
  });

  it('treats names inherited from Object.prototype as unknown, not as fields or kinds', () => {
    expect(message(() => parse('projects.create', { name: 'a', constructor: 'x' }))).toBe('The request has an unknown field "constructor".');
    for (const kind of ['constructor', 'toString', '__proto__']) {
      expect(message(() => parse('runs.start', { datasetId: 1, base: { kind }, settings: SETTINGS }))).toBe('The base model must have kind pretrained or scratch.');
    }
  });

  it('refuses values of the wrong type, NaN and Infinity', () => {
    expect(message(() => parse('runs.get', { runId: '3' }))).toBe('The run must be a number.');
    expect(message(() => parse('runs.get', { runId: Number.NaN }))).toBe('The run must be a number.');
    expect(message(() => parse('runs.get', { runId: Infinity }))).toBe('The run must be a number.');
    expect(message(() => parse('runs.get', null as unknown as object))).toBe('The request must be an object.');
  });

  it('every command has a params schema and the long ones a longer timeout', () => {
    for (const [name, c] of Object.entries(COMMANDS)) {
      expect(typeof c.params.parse, name).toBe('function');
    }
    expect(COMMANDS['import.commit'].timeoutMs).toBeGreaterThan(60_000);
  });
});
