import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import Highlight from '../../renderer/src/components/Highlight.svelte';
import Bars from '../../renderer/src/components/Bars.svelte';
import ConfusionMatrix from '../../renderer/src/components/ConfusionMatrix.svelte';

// The components with logic in them, rendered to HTML (no DOM library is installed here).
const html = (c: unknown, props: Record<string, unknown>) => render(c as never, { props } as never).body.replace(/<!--[^>]*-->/g, '');

describe('renderer components', () => {
  it('highlights spans by character offsets and skips overlapping or out-of-range ones', () => {
    const out = html(Highlight, { text: 'Flights to Paris with Air France', spans: [{ start: 22, end: 32, label: 'corporation' }, { start: 11, end: 16, label: 'location' }, { start: 12, end: 14, label: 'overlap' }, { start: 30, end: 99, label: 'out' }] });
    expect([...out.matchAll(/<mark[^>]*>([^<]*)<small/g)].map((m) => m[1])).toEqual(['Paris', 'Air France']);
    expect(out).toContain('title="location"');
    expect(out).not.toContain('overlap');
  });

  it('scales bars to the largest value', () => {
    const out = html(Bars, { items: [{ label: 'a', value: 2 }, { label: 'b', value: 8 }] });
    expect([...out.matchAll(/width: ([\d.]+%)/g)].map((m) => m[1])).toEqual(['25%', '100%']);
  });

  it('makes each confusion cell a labelled button, empty ones disabled', () => {
    const out = html(ConfusionMatrix, { labels: ['a', 'b'], matrix: [[3, 0], [1, 2]], max: 3, onCell: () => undefined });
    expect([...out.matchAll(/aria-label="([^"]+)"/g)].map((m) => m[1]).filter((l) => l.includes('labelled'))).toEqual([
      '3 examples labelled a predicted as a',
      '0 examples labelled a predicted as b',
      '1 example labelled b predicted as a',
      '2 examples labelled b predicted as b',
    ]);
    expect(out.match(/<button[^>]*disabled/g)).toHaveLength(1);
  });
});

describe('Highlight around spans', () => {
  it('shows only the text near the spans of a long context, with ellipses', () => {
    const text = `${'a'.repeat(500)} ANSWER ${'b'.repeat(500)}`;
    const out = html(Highlight, { text, spans: [{ start: 501, end: 507, label: 'gold' }], around: 10 });
    const plain = out.replace(/<[^>]+>/g, '').replace(/\s+/g, '');
    expect(plain).toBe(`…${'a'.repeat(9)}ANSWERgold${'b'.repeat(9)}…`);
  });
});
