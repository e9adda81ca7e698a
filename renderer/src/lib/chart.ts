import type { Point } from '../state/training.svelte.ts';

/** One line of a LineChart. */
export interface Series {
  label: string;
  points: Point[];
  color: string;
  /** 'y' left axis (loss), 'y1' right axis (a metric in 0..1). */
  axis?: 'y' | 'y1';
  /** Step of a point to mark (the best evaluation), drawn as a star. */
  markStep?: number | null;
  dashed?: boolean;
}
