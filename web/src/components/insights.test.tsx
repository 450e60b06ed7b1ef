import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/react';
import { InsightIcon, insightKey } from './insights';

describe('InsightIcon', () => {
  it('gives each insight the engine names an icon of its own, and any other kind the generic one', () => {
    const iconOf = (type: string) => render(<InsightIcon type={type} />).container.querySelector('svg')?.getAttribute('class') ?? '';
    expect(iconOf('Direct Transfer')).toContain('lucide-arrow-left-right');
    expect(iconOf('Indirect Transfer')).toContain('lucide-waypoints');
    expect(iconOf('Common Funder')).toContain('lucide-landmark');
    expect(iconOf('Common Collector')).toContain('lucide-inbox');
    expect(iconOf('Fee Payer')).toContain('lucide-fuel');
    expect(iconOf('NFT Wash Trading')).toContain('lucide-repeat');
    expect(iconOf('Something New')).toContain('lucide-info');
    expect(insightKey('same-block buying')).toBe('SameBlockBuying');
  });
});
