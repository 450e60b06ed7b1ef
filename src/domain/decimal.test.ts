import { compareDecimals, formatUnits, InvalidDecimalError, parseUnits } from './decimal';

describe('formatUnits', () => {
  it('places the decimal point from the mint decimals and trims trailing zeros', () => {
    expect(formatUnits(9354889794n, 8)).toBe('93.54889794');
    expect(formatUnits(100000000n, 9)).toBe('0.1');
    expect(formatUnits(2500000000n, 9)).toBe('2.5');
    expect(formatUnits(1000n, 3)).toBe('1');
  });

  it('pads amounts smaller than one unit with leading zeros', () => {
    expect(formatUnits(5n, 6)).toBe('0.000005');
    expect(formatUnits(0n, 9)).toBe('0');
  });

  it('keeps every digit of amounts beyond float precision', () => {
    expect(formatUnits(18446744073709551615n, 9)).toBe('18446744073.709551615');
  });

  it('formats negative amounts and zero decimals', () => {
    expect(formatUnits(-708365894528n, 6)).toBe('-708365.894528');
    expect(formatUnits(42n, 0)).toBe('42');
  });
});

describe('parseUnits', () => {
  it('is the inverse of formatUnits', () => {
    expect(parseUnits('93.54889794', 8)).toBe(9354889794n);
    expect(parseUnits('-0.001', 9)).toBe(-1000000n);
    expect(parseUnits('3', 2)).toBe(300n);
  });

  it('truncates digits beyond the decimals', () => {
    expect(parseUnits('1.23456789', 2)).toBe(123n);
  });

  it('rejects text that is not a plain decimal number', () => {
    expect(() => parseUnits('1e5', 2)).toThrow(InvalidDecimalError);
    expect(() => parseUnits('abc', 2)).toThrow("not a decimal number: 'abc'");
  });
});

describe('compareDecimals', () => {
  it('compares exactly where floats would round', () => {
    expect(compareDecimals('0.001', '0.0009999999999999999999')).toBe(1);
    expect(compareDecimals('0.0010', '0.001')).toBe(0);
    expect(compareDecimals('2', '10')).toBe(-1);
  });
});
