// The evidence of a pair and a cluster in words for the CLI: a short phrase for the tables ("common
// funder 7xKX…q2 (3 wallets)", "B follows A ~40 s on 17/22", "same slot on LAUN1 +2 tokens") and the
// full account of one pair (`show <id> --pair <A> <B>`) with every signature printed whole, so it
// can be pasted into an explorer. Wallet A and B are the pair's walletA and walletB.
import type { FundingEvidence, TransferRef } from '../domain/detection/funding';
import type { ClusterEvidence, CommonCounterpartyKind, PairEvidence, SimilarityPair } from '../domain/similarity/types';

/** How the tables name things: wallets and counterparties abbreviated, mints by symbol when known. */
export interface Names {
  address(a: string): string;
  token(mint: string): string;
}

export const shortAddress = (a: string): string => (a.length > 12 ? `${a.slice(0, 4)}…${a.slice(-4)}` : a);

/**
 * Text a provider supplied (a token's symbol from DexScreener) as the terminal may show it: without
 * C0 and C1 control characters, so it cannot carry an escape sequence that moves the cursor, clears
 * the screen or rewrites what the CLI printed.
 */
// eslint-disable-next-line no-control-regex -- the control characters are what it removes
export const printable = (text: string): string => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '');

/** The longest symbol the tables print: a provider's symbol has no length limit. */
const SYMBOL_CHARS = 16;
/** A token's symbol as the tables print it: printable, and cut to SYMBOL_CHARS characters (…). */
export function shortSymbol(symbol: string): string {
  const shown = [...printable(symbol)];
  return shown.length > SYMBOL_CHARS ? `${shown.slice(0, SYMBOL_CHARS - 1).join('')}…` : shown.join('');
}

/** e.g. "40 s", "12 min", "3 h", "2 d" */
export function lag(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

const asset = (ref: TransferRef, names: Names): string => (ref.asset === 'SOL' ? 'SOL' : names.token(ref.asset));
/** `1 wallet`, `2 wallets`. */
export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/** How a cluster line names each kind of common counterparty. */
const COMMON_COUNTERPARTY_PHRASES: Record<CommonCounterpartyKind, string> = {
  'first-funder': 'common first funder',
  'upstream-funder': 'common upstream funder',
  'downstream-collector': 'common collector',
  source: 'common top-up',
  destination: 'common sweep to',
  'fee-payer': 'common fee payer',
};

/** A or B for one of the pair's wallets, else the abbreviated address. */
function side(p: Pick<SimilarityPair, 'walletA' | 'walletB'>, address: string | null, names: Names): string {
  if (address === p.walletA) return 'A';
  if (address === p.walletB) return 'B';
  return address === null ? '?' : names.address(address);
}

/** A same-amount-funding of the two wallets' fresh first funders (engine 2.4.0), not of the wallets (the domain's oneHopUp: the CLI imports no domain code). */
export function oneHopUp(e: Extract<FundingEvidence, { kind: 'same-amount-funding' }>): e is typeof e & { viaA: string[]; viaB: string[] } {
  return (e.viaA?.length ?? 0) > 0 && (e.viaB?.length ?? 0) > 0;
}

function fundingPhrase(p: SimilarityPair, e: FundingEvidence, names: Names): string {
  if (e.kind === 'direct') return `direct ${e.transfer.amount} ${asset(e.transfer, names)} ${side(p, e.from, names)}→${side(p, e.to, names)}`;
  if (e.kind === 'nft-sale') return `NFT sale ${side(p, e.seller, names)}→${side(p, e.buyer, names)} ${e.sale.amount} SOL${e.sales > 1 ? ` (${plural(e.sales, 'sale')}${e.bothWays ? ', both ways' : ''})` : ''}`;
  if (e.kind === 'nft-round-trip') return `NFT ${names.token(e.nft)} sold around ${plural(e.wallets.length, 'wallet')} back to ${side(p, e.wallets[0], names)} (${lag(e.secondsApart)} away)`;
  if (e.kind === 'fee-payer') return `${side(p, e.payer, names)} paid ${side(p, e.wallet, names)}'s fees (${plural(e.transactions, 'tx')})`;
  if (e.kind === 'common-fee-payer') {
    const whose = e.counterpartyActivity?.dedicated ? `, its whole history ${plural(e.counterpartyActivity.transactions, 'tx')}` : '';
    return `common fee payer ${names.address(e.counterparty)} (${plural(e.counterpartyWallets, 'wallet')}${whose})`;
  }
  if (e.kind === 'indirect-transfer') return `${side(p, e.from, names)}→${side(p, e.to, names)} ${e.sweep ? 'swept ' : ''}via ${plural(e.via.length, 'fresh wallet')}`;
  if (e.kind === 'same-amount-funding') return `same ${oneHopUp(e) ? 'funding of their fresh funders' : 'first funding'} ${e.a.amount} SOL ${lag(e.secondsApart)} apart`;
  if (e.kind === 'common-upstream-funder') return `common funder ${names.address(e.counterparty)} via ${plural(e.viaA.length + e.viaB.length, 'hop')}`;
  if (e.kind === 'common-downstream-collector') return `common collector ${names.address(e.counterparty)} via ${plural(e.viaA.length + e.viaB.length, 'deposit address', 'deposit addresses')}`;
  if (e.kind === 'common-destination' && e.depositTo !== undefined) return `common deposit address ${names.address(e.counterparty)} at ${names.address(e.depositTo)} (${lag(e.secondsApart)} apart)`;
  const what = e.kind === 'common-first-funder' ? 'common funder' : e.kind === 'common-source' ? 'common top-up' : 'common sweep to';
  const whose = e.counterpartyActivity?.dedicated ? `, its whole history ${plural(e.counterpartyActivity.transactions, 'tx')}` : '';
  return `${what} ${names.address(e.counterparty)} (${plural(e.counterpartyWallets, 'wallet')}${whose})`;
}

function timingPhrase(p: SimilarityPair, t: NonNullable<PairEvidence['timing']>, names: Names): string {
  if (t.simultaneous) return `trade together on ${t.matched}/${t.leaderTrades}`;
  const lags = followLags(t);
  if (t.leader === null || t.follower === null || lags === null) return `${t.matched}/${t.leaderTrades} trades matched`;
  return `${side(p, t.follower, names)} follows ${side(p, t.leader, names)} ~${lags.buys}${lags.sales !== null ? ` (sales ~${lags.sales})` : ''} on ${t.matched}/${t.leaderTrades}`;
}

/**
 * The lag a timing summary goes by: its typical lag (a copier's packed copies, not the crowd's
 * median; on results before engine 2.11.0, which do not carry it, the median lag), with the sales'
 * own when the buys' and the sales' peaks joined; null without either.
 */
export function followLags(t: NonNullable<PairEvidence['timing']>): { buys: string; sales: string | null } | null {
  const buys = t.typicalLagSeconds ?? t.medianLagSeconds;
  if (buys === null) return null;
  return { buys: lag(buys), sales: t.typicalSellLagSeconds != null ? lag(t.typicalSellLagSeconds) : null };
}

/** A block time as the CLI prints it: `2024-09-22 10:13:20 UTC`. */
export const utc = (sec: number): string => `${new Date(sec * 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

function bundlePhrase(e: PairEvidence, names: Names): string | null {
  const top = e.bundles[0];
  if (!top) return null;
  const more = e.bundles.length + e.bundlesOmitted - 1;
  const when = top.launchBlock ? 'launch block' : top.sameSlot ? 'same slot' : `${top.secondsApart} s apart`;
  return `${when} on ${names.token(top.mint)}${more > 0 ? ` +${plural(more, 'token')}` : ''}`;
}

function rarePhrase(e: PairEvidence, names: Names): string | null {
  if (e.rareTokens.length === 0) return null;
  const more = e.rareTokens.length + e.rareTokensOmitted - 2;
  return `rare: ${e.rareTokens
    .slice(0, 2)
    .map((t) => names.token(t.mint))
    .join(', ')}${more > 0 ? ` +${more}` : ''}`;
}

/** One signal's evidence in a few words, or null when the pair has none for it. */
export function signalPhrase(p: SimilarityPair, signal: keyof PairEvidence['contributions'], names: Names): string | null {
  const e = p.evidence;
  if (!e) return null;
  switch (signal) {
    case 'funding':
      return e.funding[0] ? fundingPhrase(p, e.funding[0], names) : null;
    case 'bundle':
      return bundlePhrase(e, names);
    case 'timing':
      return e.timing ? timingPhrase(p, e.timing, names) : null;
    case 'rarity':
      return rarePhrase(e, names);
    case 'behavior':
      return p.scores.behavior === null ? null : `trading style ${p.scores.behavior.toFixed(2)}`;
  }
}

/** The strongest signal and its evidence, e.g. "funding: common funder 7xKX…q2 (3 wallets)"; "–" without evidence. */
export function strongestPhrase(p: SimilarityPair, names: Names): string {
  const strongest = p.evidence?.strongest ?? null;
  if (strongest === null) return p.insights[0]?.type ?? '–';
  const phrase = signalPhrase(p, strongest, names);
  return phrase ? `${strongest}: ${phrase}` : strongest;
}

/** The other signals that carry a share of at least `min` of combined, each in a few words. */
export function otherPhrases(p: SimilarityPair, names: Names, min = 0.05): string[] {
  const e = p.evidence;
  if (!e) return [];
  return (Object.entries(e.contributions) as Array<[keyof PairEvidence['contributions'], number]>)
    .filter(([signal, share]) => signal !== e.strongest && share >= min)
    .sort((x, y) => y[1] - x[1])
    .map(([signal]) => {
      const phrase = signalPhrase(p, signal, names);
      return phrase ? `${signal}: ${phrase}` : signal;
    });
}

/** What binds a cluster in a few phrases: signals linking its pairs, common counterparties, its strongest pair. */
export function clusterBindingPhrases(
  evidence: ClusterEvidence | null,
  names: Names,
  /** the result's pair of two members, to name the strongest pair's evidence */
  pairOf: (a: string, b: string) => SimilarityPair | undefined = () => undefined,
): string[] {
  if (!evidence) return [];
  const out: string[] = [];
  const signals = (Object.entries(evidence.signalPairs) as Array<[string, number]>).filter(([, n]) => n > 0).sort((x, y) => y[1] - x[1]);
  if (signals.length > 0) out.push(`pairs linked by ${signals.map(([s, n]) => `${s} ${n}`).join(', ')}`);
  for (const c of evidence.commonCounterparties.slice(0, 3)) {
    const what = COMMON_COUNTERPARTY_PHRASES[c.kind];
    out.push(`${what} ${names.address(c.counterparty)} (${plural(c.memberCount, 'member')})`);
  }
  const top = evidence.bindingPairs[0];
  if (top) {
    const pair = pairOf(top.walletA, top.walletB);
    const why = pair ? strongestPhrase(pair, names) : (top.strongest ?? '–');
    out.push(`strongest ${names.address(top.walletA)} ~ ${names.address(top.walletB)} ${top.combined.toFixed(2)}, ${why}`);
  }
  return out;
}
