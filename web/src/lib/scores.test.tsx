import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { formatScore, scorePercent } from './scores';
import { ScoreBar } from '../components/ui';

describe('scorePercent', () => {
  it('maps 0–1 to 0–100 and clamps everything else into the track', () => {
    expect(scorePercent(0.734)).toBeCloseTo(73.4);
    expect(scorePercent(0)).toBe(0);
    expect(scorePercent(1)).toBe(100);
    expect(scorePercent(1.7)).toBe(100);
    expect(scorePercent(-0.2)).toBe(0);
    expect(scorePercent(-Infinity)).toBeNull();
    expect(scorePercent(Infinity)).toBeNull();
    expect(scorePercent(NaN)).toBeNull();
    expect(scorePercent(null)).toBeNull();
    expect(scorePercent(undefined)).toBeNull();
    expect(scorePercent('0.5')).toBeNull();
  });

  it('formats a score as a whole percentage or n/a', () => {
    expect(formatScore(0.734)).toBe('73 %');
    expect(formatScore(2)).toBe('100 %');
    expect(formatScore(-1)).toBe('0 %');
    expect(formatScore(null)).toBe('n/a');
  });
});

describe('ScoreBar', () => {
  it.each([
    [1.5, '100%', '100 %'],
    [-3, '0%', '0 %'],
    [NaN, '0%', 'n/a'],
    [null, '0%', 'n/a'],
    [undefined, '0%', 'n/a'],
    [0.42, '42%', '42 %'],
  ])('never leaves its track: %s fills %s and reads %s', (value, width, text) => {
    render(<ScoreBar value={value} label="Combined" />);
    const meter = screen.getByRole('meter', { name: `Combined ${text}` });
    const fill = meter.querySelector('[data-testid="score-fill"]') as HTMLElement;
    expect(fill.style.width).toBe(width);
    const now = meter.getAttribute('aria-valuenow');
    if (now !== null) {
      expect(Number(now)).toBeGreaterThanOrEqual(0);
      expect(Number(now)).toBeLessThanOrEqual(100);
    }
    expect(meter.textContent).toContain(text);
  });
});
