// How a wallet's transfers become rows: numbered within their transaction, so the same page stored
// again (or the same history extracted again) gives the same keys.
import type { WalletTransfer } from '../../../src/domain/detection/types';
import { transferRows } from '../../../src/store/wallet-transfers';

const transfer = (signature: string, counterparty: string, direction: 'in' | 'out', over: Partial<WalletTransfer> = {}): WalletTransfer => ({
  wallet: 'W',
  counterparty,
  direction,
  asset: 'SOL',
  amount: '1.5',
  rawAmount: '1500000000',
  decimals: 9,
  amountExact: true,
  signature,
  slot: 10,
  timestamp: 1000,
  ...over,
});

describe('transferRows', () => {
  it('numbers the transfers of each transaction from 0, in the order given, and keeps amounts as exact text', () => {
    const rows = transferRows([
      transfer('s1', 'A', 'in'),
      transfer('s1', 'B', 'out', { asset: 'MintX', amount: '0.000001', rawAmount: '1', decimals: 6, amountExact: false }),
      transfer('s2', 'A', 'in', { slot: 11, timestamp: 1001 }),
      transfer('s1', 'C', 'in'),
    ]);
    expect(rows.map((r) => [r.signature, r.transfer_index, r.counterparty])).toEqual([
      ['s1', 0, 'A'],
      ['s1', 1, 'B'],
      ['s2', 0, 'A'],
      ['s1', 2, 'C'],
    ]);
    expect(rows[1]).toEqual({
      signature: 's1',
      transfer_index: 1,
      counterparty: 'B',
      direction: 'out',
      asset: 'MintX',
      nft: null,
      amount: '0.000001',
      raw_amount: '1',
      decimals: 6,
      amount_exact: false,
      slot: 10,
      timestamp: 1000,
    });
  });

  it('keeps the mint of an NFT sold through a market (transfer extraction 7)', () => {
    const [row] = transferRows([transfer('s1', 'B', 'out', { asset: 'NFT_SALE', nft: 'NftMint', amount: '42', rawAmount: '42000000000', decimals: 9 })]);
    expect(row).toEqual(expect.objectContaining({ asset: 'NFT_SALE', nft: 'NftMint', raw_amount: '42000000000' }));
  });

  it('gives no rows for no transfers', () => {
    expect(transferRows([])).toEqual([]);
  });
});
