// One pair's full evidence (`wallet-similarity show <id> --pair <A> <B>`): relatedness and each
// signal's share of it, every funding link, co-buy and copied trade the result keeps, with amounts,
// times, slots and full signatures (one per line, to paste into an explorer), the rare tokens, the
// similarity metrics and the insights. Fits 120 columns like the tables.
import { ActionableError } from '../errors';
import type { AnalysisView } from '../api/schemas/analyses';
import type { FundingEvidence, TransferRef } from '../domain/detection/funding';
import type { SimilarityPair } from '../domain/similarity/types';
import { followLags, lag, oneHopUp, plural, shortAddress, utc } from './evidence';
import { rankedPairs, score, servedResult, tokenName, wrapped } from './render';

/** The pair asked for is not in the result, or a wallet matches several members. */
export class PairNotFoundError extends ActionableError {
  override name = 'PairNotFoundError';
}

/**
 * The wallet of `members` that `given` names: the full address, a unique prefix, or the table's
 * short form ("7xKX…gAsU", also with "..." for "…").
 */
export function resolveWallet(members: readonly string[], given: string): string {
  const text = given.trim().replace('...', '…');
  if (members.includes(text)) return text;
  const [head, tail] = text.includes('…') ? text.split('…') : [text, ''];
  const found = members.filter((m) => m.startsWith(head) && m.endsWith(tail));
  if (found.length === 1) return found[0];
  if (found.length === 0) throw new PairNotFoundError(`no wallet of this analysis matches '${given}': give a full address, a unique prefix or the table's short form`);
  throw new PairNotFoundError(`'${given}' matches ${found.length} wallets of this analysis (${found.slice(0, 3).map(shortAddress).join(', ')}${found.length > 3 ? ', …' : ''}): give more characters`);
}

/** The pair of the two wallets named (see `resolveWallet`), in either order. */
export function findPair(view: AnalysisView, first: string, second: string): SimilarityPair {
  if (view.status !== 'completed' || !view.result) throw new PairNotFoundError(`analysis ${view.analysisId} is ${view.status}: it has no pairs to show`);
  const { x, y, pair } = pairInResult(view, first, second);
  if (!pair) throw new PairNotFoundError(`analysis ${view.analysisId} has no pair of ${x} and ${y}`);
  return pair;
}

/** The two wallets named, resolved among the group's, and their pair when the result lists it. */
export function pairInResult(view: AnalysisView, first: string, second: string): { x: string; y: string; pair: SimilarityPair | undefined } {
  if (view.status !== 'completed' || !view.result) throw new PairNotFoundError(`analysis ${view.analysisId} is ${view.status}: it has no pairs to show`);
  const pairs = servedResult(view).pairs;
  // the group's wallets: a result that lists only its strongest pairs does not name every wallet in them
  const members = [...new Set([...view.wallets, ...pairs.flatMap((p) => [p.walletA, p.walletB])])];
  const x = resolveWallet(members, first);
  const y = resolveWallet(members, second);
  if (x === y) throw new PairNotFoundError(`'${first}' and '${second}' name the same wallet ${x}: give two different wallets`);
  return { x, y, pair: pairs.find((p) => (p.walletA === x && p.walletB === y) || (p.walletA === y && p.walletB === x)) };
}

export function renderPairEvidence(view: AnalysisView, p: SimilarityPair, opts: { labels?: Record<string, string>; rank?: string } = {}): string {
  const who = (a: string | null): string => (a === p.walletA ? 'A' : a === p.walletB ? 'B' : a === null ? '?' : a);
  const label = (a: string): string => (opts.labels?.[a] ? `  ${opts.labels[a]}` : '');
  const token = (mint: string): string => {
    const name = tokenName(view, mint);
    return name === shortAddress(mint) ? mint : `${name} ${mint}`;
  };
  const transfer = (verb: string, ref: TransferRef): string[] => [
    `    ${verb} ${ref.asset === 'FEE' ? `a fee of ${ref.amount} SOL` : ref.asset === 'NFT_SALE' ? `${ref.amount} SOL` : `${ref.amount} ${ref.asset === 'SOL' ? 'SOL' : tokenName(view, ref.asset)}`} on ${utc(ref.timestamp)}, slot ${ref.slot}`,
    `      ${ref.signature}`,
  ];
  // its rank in the result, or (a pair the result does not list) the rank the caller found
  const rank = opts.rank ?? `#${rankedPairs(servedResult(view).pairs).findIndex((x) => x.walletA === p.walletA && x.walletB === p.walletB) + 1}`;
  const s = p.scores;
  const e = p.evidence;
  const lines: string[] = [
    `Pair ${rank} of analysis ${view.analysisId}`,
    `  A ${p.walletA}${label(p.walletA)}`,
    `  B ${p.walletB}${label(p.walletB)}`,
    '',
    `Relatedness ${score(s.combined)}${p.strength ? ` (${p.strength})` : ''}${e?.strongest ? `, strongest signal: ${e.strongest}` : ''}`,
  ];
  if (e) lines.push(`  share of it: ${Object.entries(e.contributions).map(([k, v]) => `${k} ${score(v)}`).join(' · ')}`);
  lines.push(`  signals: funding ${score(s.funding)} · bundle ${score(s.bundle)} · timing ${score(s.timing)} · rarity ${score(s.rarity)} · similarity ${score(s.similarity)}`);
  lines.push(
    ...wrapped(
      '  similarity metrics: ',
      `capital ${score(s.capital)} · binary ${score(s.binary)} · traded Jaccard ${score(s.jaccardTraded)} · held Jaccard ${score(s.jaccardHeld)} · behavior ${score(s.behavior)}`,
      4,
    ),
  );
  for (const [metric, reason] of Object.entries(p.nullReasons)) lines.push(...wrapped(`  ${metric} is –: `, reason ?? '', 4));
  if (!e) {
    lines.push('', 'No detection evidence for this pair (none found, or the result predates detection v2: engine 1.x).');
  } else {
    lines.push('', heading('Funding and transfers', e.funding.length, e.fundingOmitted, 'link'));
    for (const f of e.funding) lines.push(...fundingLines(f, who, transfer));
    lines.push('', heading('Same-block buying', e.bundles.length, e.bundlesOmitted, 'co-bought token'));
    const odds = e.bundleOdds;
    if (odds?.summary) lines.push(...wrapped('  ', odds.kept < 0.995 ? `${odds.summary}; the score keeps ${score(odds.kept)} of their strength` : odds.summary, 4));
    for (const b of e.bundles) {
      const when = b.launchBlock ? `both in its launch block, slot ${b.slotA}` : b.sameSlot ? `same slot ${b.slotA}` : `${b.secondsApart} s apart (slots ${b.slotA} and ${b.slotB})`;
      lines.push(...wrapped('  ', `${token(b.mint)}: ${when}${b.early ? ', among its first buyers' : ''}; ${b.crowd} group buys within 5 min, ${b.tight} within seconds; strength ${score(b.strength)}`, 4));
      lines.push(`    A bought on ${utc(b.timestampA)}, slot ${b.slotA}`, `      ${b.signatureA}`, `    B bought on ${utc(b.timestampB)}, slot ${b.slotB}`, `      ${b.signatureB}`);
    }
    const t = e.timing;
    if (!t) lines.push('', 'Timing: no trades of the same token within the window');
    else {
      const lags = followLags(t);
      const summary = t.simultaneous
        ? `they trade together (lag ${lags?.buys ?? '–'}) on ${t.matched} of ${t.leaderTrades} trades`
        : t.leader && t.follower && lags !== null
          ? `${who(t.follower)} follows ${who(t.leader)} by about ${lags.buys}${lags.sales !== null ? ` on buys and ${lags.sales} on sales,` : ''} on ${t.matched} of ${t.leaderTrades} trades (${who(t.follower)} made ${t.followerTrades})`
          : `${t.matched} of ${t.leaderTrades} trades matched, no leader`;
      lines.push('', ...wrapped('Timing: ', summary, 2));
      // whose trades the matches' two sides are: named or not (they trade together), the direction that scored
      const leader = t.matchedWallets?.leader ?? t.leader ?? p.walletA;
      const follower = t.matchedWallets?.follower ?? t.follower ?? p.walletB;
      for (const m of t.matches) {
        lines.push(...wrapped('  ', `${m.direction} ${token(m.mint)}: ${who(leader)} on ${utc(m.leaderTime)}, ${who(follower)} ${lag(m.lagSeconds)} later`, 4));
        lines.push(`    ${who(leader)} ${m.leaderSignature}`, `    ${who(follower)} ${m.followerSignature}`);
      }
      if (t.matchesOmitted > 0) lines.push(`  … ${t.matchesOmitted} more copied trades not kept in the result`);
    }
    lines.push('', heading('Rare tokens in common', e.rareTokens.length, e.rareTokensOmitted, 'token'));
    for (const r of e.rareTokens) lines.push(...wrapped('  ', `${token(r.mint)}: traded by ${r.walletsTrading} wallets of the database (weight ${score(r.weight)})`, 4));
  }
  const shared = p.sharedTokens.map((x) => tokenName(view, x.mint));
  if (p.sharedTokenCount > 0) lines.push('', ...wrapped(`Shared tokens (${p.sharedTokenCount}): `, `${shared.join(', ')}${p.sharedTokensOmitted > 0 ? ` +${p.sharedTokensOmitted}` : ''}`, 2));
  if (p.insights.length > 0) {
    lines.push('', 'Insights:');
    for (const x of p.insights) lines.push(...wrapped(`  ${x.type} (${score(x.score)}): `, x.reason, 4));
  }
  return lines.join('\n');
}

function heading(what: string, shown: number, omitted: number, unit: string): string {
  if (shown === 0) return `${what}: none`;
  return `${what} (${shown} ${unit}${shown === 1 ? '' : 's'}${omitted > 0 ? `, ${omitted} more not kept` : ''}):`;
}

function fundingLines(f: FundingEvidence, who: (a: string) => string, transfer: (verb: string, ref: TransferRef) => string[]): string[] {
  if (f.kind === 'direct') return [`  direct transfer ${who(f.from)} → ${who(f.to)}, strength ${score(f.strength)}`, ...transfer(`${who(f.from)} sent`, f.transfer)];
  if (f.kind === 'nft-sale') {
    return [
      ...wrapped('  ', `NFT sales through a market: ${plural(f.sales, 'NFT')} sold between them on ${plural(f.occasions, 'occasion')}${f.bothWays ? ', each selling to the other' : ''}, strength ${score(f.strength)}; the first, NFT ${f.nft}:`, 4),
      ...transfer(`${who(f.seller)} sold it to ${who(f.buyer)} for`, f.sale),
    ];
  }
  if (f.kind === 'nft-round-trip') {
    return [
      ...wrapped('  ', `NFT round trip: ${f.nft} sold from wallet to wallet of the group, ${[...f.wallets, f.wallets[0]].map(who).join(' → ')}, back after ${lag(f.secondsApart)}, strength ${score(f.strength)}`, 4),
      ...transfer(`sold out of ${who(f.wallets[0])} for`, f.first),
      ...transfer(`sold back to ${who(f.wallets[0])} for`, f.last),
    ];
  }
  if (f.kind === 'fee-payer') {
    return [
      ...wrapped('  ', `${who(f.payer)} paid the fees of ${plural(f.transactions, 'transaction')} of ${who(f.wallet)}'s own (it signed them with ${who(f.wallet)}), strength ${score(f.strength)}`, 4),
      ...transfer(`the first: ${who(f.payer)} paid`, f.transaction),
    ];
  }
  if (f.kind === 'common-fee-payer') {
    return [
      ...wrapped(
        '  ',
        `common fee payer ${f.counterparty} (paid fees of or transferred with ${plural(f.counterpartyWallets, 'wallet')} of the database${f.counterpartyActivity?.dedicated ? `; a wallet of one owner: ${f.counterpartyActivity.transactions} transactions in its whole history` : ''}, weight ${score(f.counterpartyWeight)}): ${plural(f.transactionsA, 'transaction')} of A's own, ${plural(f.transactionsB, 'transaction')} of B's, the closest ${lag(f.secondsApart)} apart, strength ${score(f.strength)}`,
        4,
      ),
      ...transfer("it paid A's", f.a),
      ...transfer("it paid B's", f.b),
    ];
  }
  if (f.kind === 'indirect-transfer' && f.sweep) {
    return [
      ...wrapped(
        '  ',
        `swept ${who(f.from)} → ${who(f.to)} through ${f.via.length === 1 ? `a fresh address ${who(f.from)} funded first, which forwarded it` : `${plural(f.via.length, 'fresh address', 'fresh addresses')} in a row (${who(f.from)} funded the first, each one the next, first), the last forwarding it`} ${lag(f.secondsApart)} later, strength ${score(f.strength)}`,
        4,
      ),
      ...wrapped('    ', `chain: ${[who(f.from), ...f.via, who(f.to)].join(' → ')}`, 6),
      ...transfer(`${f.via[0]} received`, f.first),
      ...transfer(`${who(f.to)} received`, f.last),
    ];
  }
  if (f.kind === 'indirect-transfer') {
    return [
      ...wrapped('  ', `indirect transfer ${who(f.from)} → ${who(f.to)} through ${plural(f.via.length, 'fresh wallet')} (each first funded by the one before), ${lag(f.secondsApart)} from the first transfer to the last, strength ${score(f.strength)}`, 4),
      ...wrapped('    ', `chain: ${[who(f.from), ...f.via, who(f.to)].join(' → ')}`, 6),
      ...transfer(`${f.via[0]} received`, f.first),
      ...transfer(`${who(f.to)} received`, f.last),
    ];
  }
  if (f.kind === 'same-amount-funding') {
    if (oneHopUp(f)) {
      return [
        ...wrapped('  ', `first funded by fresh wallets that were first funded with exactly the same amount, ${f.a.amount} SOL, ${lag(f.secondsApart)} apart (A's ${f.viaA.join(' → ')} from ${f.funderA}, B's ${f.viaB.join(' → ')} from ${f.funderB}), strength ${score(f.strength)}`, 4),
        ...transfer(`${f.viaA[0]} received`, f.a),
        ...transfer(`${f.viaB[0]} received`, f.b),
      ];
    }
    return [
      ...wrapped('  ', `first funded with exactly the same amount, ${f.a.amount} SOL, ${lag(f.secondsApart)} apart (A from ${f.funderA}, B from ${f.funderB}), strength ${score(f.strength)}`, 4),
      ...transfer('A received', f.a),
      ...transfer('B received', f.b),
    ];
  }
  if (f.kind === 'common-upstream-funder') {
    const path = (via: readonly string[], wallet: string): string => [f.counterparty, ...via, wallet].join(' → ');
    return [
      ...wrapped(
        '  ',
        `common upstream funder ${f.counterparty}${f.counterpartyActivity?.dedicated ? ` (a wallet of one owner: ${f.counterpartyActivity.transactions} transactions in its whole history)` : ''}, weight ${score(f.counterpartyWeight)}, its fundings ${lag(f.secondsApart)} apart, strength ${score(f.strength)}`,
        4,
      ),
      ...wrapped('    ', `A's chain: ${path(f.viaA, 'A')}`, 6),
      ...wrapped('    ', `B's chain: ${path(f.viaB, 'B')}`, 6),
      ...transfer(`${f.viaA[0] === undefined ? 'A' : f.viaA[0]} received`, f.a),
      ...transfer(`${f.viaB[0] === undefined ? 'B' : f.viaB[0]} received`, f.b),
    ];
  }
  if (f.kind === 'common-downstream-collector') {
    const path = (via: readonly string[], wallet: string): string => [wallet, ...via, f.counterparty].join(' → ');
    const sender = (wallet: string, via: readonly string[]): string => (via.length === 0 ? `${wallet} sent it` : via.length === 1 ? `${wallet}'s deposit address sent it` : `${wallet}'s last fresh address sent it`);
    return [
      ...wrapped(
        '  ',
        `common collector ${f.counterparty}${f.counterpartyActivity?.dedicated ? ` (a wallet of one owner: ${f.counterpartyActivity.transactions} transactions in its whole history)` : ''}, weight ${score(f.counterpartyWeight)}, its receipts ${lag(f.secondsApart)} apart, strength ${score(f.strength)}`,
        4,
      ),
      ...wrapped('    ', `A's sweep: ${path(f.viaA, 'A')}`, 6),
      ...wrapped('    ', `B's sweep: ${path(f.viaB, 'B')}`, 6),
      ...transfer(sender('A', f.viaA), f.a),
      ...transfer(sender('B', f.viaB), f.b),
    ];
  }
  const what = f.kind === 'common-first-funder' ? 'common first funder' : f.kind === 'common-source' ? 'common top-up source' : 'common sweep destination';
  const verb = f.kind === 'common-destination' ? 'sent' : 'received';
  return [
    ...wrapped(
      '  ',
      `${what} ${f.counterparty} (transferred with ${f.counterpartyWallets} wallets of the database${f.counterpartyActivity?.dedicated ? `; a wallet of one owner: ${f.counterpartyActivity.transactions} transactions in its whole history` : ''}, weight ${score(f.counterpartyWeight)}), ${lag(f.secondsApart)} apart, strength ${score(f.strength)}`,
      4,
    ),
    ...(f.kind === 'common-destination' && f.depositTo !== undefined
      ? wrapped('    ', `an exchange deposit address: it passes what it receives on, within a day, to ${f.depositTo} and trades nothing (one account's)`, 6)
      : []),
    ...transfer(`A ${verb}`, f.a),
    ...transfer(`B ${verb}`, f.b),
  ];
}
