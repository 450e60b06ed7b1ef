// Realistic Helius Enhanced transactions for the extraction benchmark: the synthetic fixtures of
// test/fixtures/domain (and one real failed swap) as templates, each copy with its own wallet,
// signature, slot and time, and the account list padded to the ~20 entries real payloads carry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnhancedTransaction } from '../../src/domain';
import { base58, seededRandom } from './random';

const TEMPLATE_WALLET = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
const FAILED_FEE_PAYER = '22WLnDCeMvcoboRgVt8a4ztkd4yA1ptSv9JpnE2gx95R';

/** [file, share of the mix] — SOL buys and pump sells dominate real memecoin wallets. */
const MIX: Array<[string, number]> = [
  ['domain/jupiter-raydium-sol-to-tweet.json', 0.35],
  ['domain/pump-amm-sell-without-swap-event.json', 0.3],
  ['domain/orca-token-to-usdc.json', 0.08],
  ['domain/jupiter-token-to-token-via-wsol.json', 0.07],
  ['domain/raydium-wallet-only-through-token-accounts.json', 0.05],
  ['domain/airdrop-to-three-wallets.json', 0.03],
  ['domain/plain-token-transfer.json', 0.07],
  ['real/helius-enhanced-swap-failed-raydium.json', 0.05],
];

export interface GeneratedTx {
  tx: EnhancedTransaction;
  wallet: string;
}

export function syntheticTransactions(count: number, seed: number): GeneratedTx[] {
  const random = seededRandom(seed);
  const root = join(__dirname, '..', '..', 'test', 'fixtures');
  const templates = MIX.map(([file, share]) => {
    const tx = JSON.parse(readFileSync(join(root, file), 'utf8')) as EnhancedTransaction;
    while (tx.accountData.length < 20) tx.accountData.push({ account: base58(random, 44), nativeBalanceChange: 0, tokenBalanceChanges: [] });
    const wallet = file.startsWith('real/') ? FAILED_FEE_PAYER : TEMPLATE_WALLET;
    return { text: JSON.stringify(tx), wallet, signature: tx.signature, share };
  });
  const out: GeneratedTx[] = [];
  for (let i = 0; i < count; i++) {
    let x = random();
    const template = templates.find((t) => (x -= t.share) < 0) ?? templates[0];
    const wallet = base58(random, 44);
    const tx = JSON.parse(template.text.split(template.wallet).join(wallet).split(template.signature).join(base58(random, 88))) as EnhancedTransaction;
    tx.slot = 250_000_000 + i;
    tx.timestamp = 1_710_000_000 + i * 7;
    out.push({ tx, wallet });
  }
  return out;
}
