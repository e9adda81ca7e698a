// Early stopping must not end a run on its starting plateau: a from-scratch model often scores
// the same (majority class, no entities) for several evaluations before it starts to learn.
import { describe, expect, it } from 'vitest';
import { initialEarlyStopping, onPlateau, updateEarlyStopping, type EarlyStoppingState } from '../../main/train/early-stopping.ts';

function replay(values: number[], patience: number): { stops: boolean[]; state: EarlyStoppingState } {
  let state = initialEarlyStopping();
  const stops: boolean[] = [];
  for (const [i, v] of values.entries()) {
    const d = updateEarlyStopping({ patience, minDelta: 0, mode: 'max' }, state, v, { step: (i + 1) * 10, epoch: i + 1 });
    state = d.state;
    stops.push(d.stop);
  }
  return { stops, state };
}

describe('early stopping and the starting plateau', () => {
  it('does not stop while nothing has beaten the first evaluation, then counts patience from the first improvement', () => {
    // banking77's 1,001-row sample: macro-F1 0.0003 for five evaluations, then learning.
    const flat = Array<number>(6).fill(0.0003);
    const { stops, state } = replay([...flat, 0.2, 0.3, 0.29, 0.28], 2);
    expect(stops).toEqual([false, false, false, false, false, false, false, false, false, true]);
    expect(state.best).toBe(0.3);
    expect(state.bestEvaluation).toBe(7);
  });

  it('a run that never leaves the plateau is never stopped early (its epoch limit ends it)', () => {
    const { stops, state } = replay(Array<number>(20).fill(0), 3);
    expect(stops.every((s) => !s)).toBe(true);
    expect(onPlateau(state)).toBe(true);
    expect(state.wait).toBe(0);
  });

  it('a lower value after the first evaluation is still the plateau; the first real improvement ends it', () => {
    const { stops, state } = replay([0.1, 0.05, 0.08, 0.1, 0.12, 0.11, 0.11], 2);
    expect(stops).toEqual([false, false, false, false, false, false, true]);
    expect(onPlateau(state)).toBe(false);
  });
});
