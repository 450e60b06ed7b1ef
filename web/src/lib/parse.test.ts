import { describe, expect, it } from 'vitest';
import { parseWalletCsv, parseWalletText } from './parse';
import { isSolanaAddress } from './addresses';
import { wallets } from '../testing/fixture';

const [a, b, c] = wallets;

describe('isSolanaAddress', () => {
  it('accepts base58 that decodes to 32 bytes and refuses the rest', () => {
    expect(isSolanaAddress(a)).toBe(true);
    expect(isSolanaAddress('So11111111111111111111111111111111111111112')).toBe(true);
    expect(isSolanaAddress('not-an-address')).toBe(false);
    expect(isSolanaAddress(`${a}0`)).toBe(false); // 0 is not base58
    expect(isSolanaAddress('1111111111111111111111111111111')).toBe(false); // 31 bytes
    expect(isSolanaAddress('')).toBe(false);
  });
});

describe('parseWalletText', () => {
  it('reads one address per line and comma-separated lists, marking invalid and duplicate entries with their line', () => {
    const parsed = parseWalletText(`${a}\n${b}, ${c}\n\nnot-a-wallet\n${a}\n`);
    expect(parsed.wallets).toEqual([a, b, c]);
    expect(parsed.entries).toEqual([
      { line: 1, value: a, issue: null },
      { line: 2, value: b, issue: null },
      { line: 2, value: c, issue: null },
      { line: 4, value: 'not-a-wallet', issue: 'invalid' },
      { line: 5, value: a, issue: 'duplicate' },
    ]);
  });

  it('skips blank pieces and strips quotes', () => {
    expect(parseWalletText(`  "${a}" ,, '${b}';\t\n   `).wallets).toEqual([a, b]);
    expect(parseWalletText('').entries).toEqual([]);
  });
});

describe('parseWalletCsv', () => {
  it('finds the address column by validation, whatever its header or position', () => {
    const csv = `label,owner,balance\nalice,${a},12\nbob,${b},3\ncarol,${c},4\n`;
    const parsed = parseWalletCsv(csv);
    expect(parsed.column).toBe(1);
    expect(parsed.header).toBe('owner');
    expect(parsed.wallets).toEqual([a, b, c]);
  });

  it('marks invalid and duplicate cells of the address column and ignores other columns', () => {
    const csv = `name;wallet\nx;${a}\ny;garbage\nz;${a}\nw;${b}\n`;
    const parsed = parseWalletCsv(csv);
    expect(parsed.column).toBe(1);
    expect(parsed.entries.map((e) => [e.line, e.issue])).toEqual([
      [2, null],
      [3, 'invalid'],
      [4, 'duplicate'],
      [5, null],
    ]);
    expect(parsed.wallets).toEqual([a, b]);
  });

  it('reads a file without a header, and says when no column holds an address', () => {
    expect(parseWalletCsv(`${a}\n${b}\n`)).toMatchObject({ column: 0, header: null, wallets: [a, b] });
    expect(parseWalletCsv('a,b\n1,2\n')).toMatchObject({ column: null, wallets: [] });
  });
});
