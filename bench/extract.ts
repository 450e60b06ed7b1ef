// npm run bench:extract — swap-extraction throughput over realistic Enhanced transactions.
import { extractLegs } from '../src/domain';
import { syntheticTransactions } from './lib/synthetic-transactions';

const UNIQUE = Number(process.env.BENCH_TX ?? 50_000);
const PASSES = 4;

function main(): void {
  let t = process.hrtime.bigint();
  const txs = syntheticTransactions(UNIQUE, 1);
  console.log(`extract benchmark: ${UNIQUE.toLocaleString('en-US')} distinct transactions generated in ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(2)} s (not timed)`);
  console.log('  mix: 35 % Jupiter SOL→token buys with events.swap, 30 % PUMP_AMM sells without it, token→USDC, token→token via WSOL,');
  console.log('  wallet only through token accounts, airdrops, transfers, 5 % failed (real Raydium payload); 20 accounts each');

  for (let i = 0; i < 2000; i++) extractLegs(txs[i].tx, txs[i].wallet, { solPriceUsd: 150 }); // warm-up

  let legs = 0;
  let skipped = 0;
  t = process.hrtime.bigint();
  for (let pass = 0; pass < PASSES; pass++) {
    for (const { tx, wallet } of txs) {
      const r = extractLegs(tx, wallet, { solPriceUsd: 150 });
      legs += r.legs.length;
      if (r.skipped !== null) skipped++;
    }
  }
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const transactions = UNIQUE * PASSES;
  const perSecond = transactions / seconds;
  console.log(`  ${transactions.toLocaleString('en-US')} extractions (${PASSES} passes) in ${seconds.toFixed(3)} s: ${Math.round(perSecond).toLocaleString('en-US')} tx/s`);
  console.log(`  ${legs.toLocaleString('en-US')} legs, ${skipped.toLocaleString('en-US')} skipped (failed)`);
  console.log(JSON.stringify({ bench: 'extract', transactions, seconds: Math.round(seconds * 1000) / 1000, perSecond: Math.round(perSecond) }));
}

main();
