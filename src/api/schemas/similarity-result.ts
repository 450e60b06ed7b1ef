// The similarity result as GET /v1/analyses/{id} answers it (`result`): pairs with their scores and
// evidence, clusters with their confidence and what binds them. Pure data like every schema module.
// The response serializer (fast-json-stringify) writes only what a schema declares, so every field
// the Lab or the CLI reads is declared here; objects keep `additionalProperties: true` where the
// engine may add fields. Results of engine 1.x (stored before detection v2) are served in the same
// shape: the view (src/api/analysis-view.ts) fills the fields they lack with null.
import { nullableNumber, nullableString, open } from './common';

const number = { type: 'number' } as const;
const integer = { type: 'integer' } as const;
const string = { type: 'string' } as const;
const walletAddress = { type: 'string', description: 'wallet address' } as const;

export const signalName = {
  type: 'string',
  enum: ['funding', 'bundle', 'timing', 'rarity', 'behavior'],
  description: 'a detection signal: funding/transfer links, same-block buying, copy timing, rare tokens in common, trading style',
} as const;
const nullableSignalName = { type: ['string', 'null'], enum: [...signalName.enum, null], description: `${signalName.description}; null when relatedness is 0` } as const;

const perSignal = (description: string) =>
  ({
    type: 'object',
    description,
    properties: { funding: number, bundle: number, timing: number, rarity: number, behavior: number },
    required: ['funding', 'bundle', 'timing', 'rarity', 'behavior'],
  }) as const;

export const pairScores = {
  type: 'object',
  additionalProperties: true,
  description: 'scores in [0, 1]; null when a score cannot be computed (see nullReasons)',
  properties: {
    capital: { ...nullableNumber, description: 'cosine of the capital allocation vectors' },
    binary: { ...nullableNumber, description: 'cosine of the traded-token sets' },
    jaccardTraded: { ...nullableNumber, description: 'Jaccard index of the traded tokens' },
    jaccardHeld: { ...nullableNumber, description: 'Jaccard index of the tokens held now' },
    behavior: { ...nullableNumber, description: 'similarity of the trading style' },
    timing: { ...nullableNumber, description: 'co-trading timing, both directions: the stronger direction (a follower copying a leader)' },
    funding: { ...nullableNumber, description: 'funding and transfer links (direct transfers, common first funder, common top-up or sweep addresses); null when a wallet’s transfers are unknown or on results of engine 1.x' },
    bundle: { ...nullableNumber, description: 'same-block or same-seconds buying of the same tokens; null on results of engine 1.x' },
    rarity: { ...nullableNumber, description: 'rarity-weighted token overlap (rare tokens in common); null on results of engine 1.x' },
    similarity: { ...nullableNumber, description: 'the weighted blend of the similarity metrics (`parameters.weights`): how alike the two wallets look (on results of engine 1.x: their combined)' },
    combined: { ...nullableNumber, description: 'relatedness: evidence of coordination (funding, bundle, timing) dominates, similarity only supports; ranks pairs, labels strength and builds clusters (on results of engine 1.x: the similarity blend)' },
  },
  required: ['capital', 'binary', 'jaccardTraded', 'jaccardHeld', 'behavior', 'timing', 'funding', 'bundle', 'rarity', 'similarity', 'combined'],
} as const;

export const transferRef = {
  type: 'object',
  description: 'one transfer as cited in evidence',
  properties: {
    asset: { type: 'string', description: '"SOL" for native SOL, "FEE" for a transaction fee another account paid (engine 2.8.0; the amount is the fee in SOL), "NFT_SALE" for an NFT sold through a market (engine 2.20.0; the amount is its price in SOL), else the token mint' },
    amount: { type: 'string', description: 'exact UI amount as a decimal string, e.g. "1.5"' },
    signature: { type: 'string', description: 'transaction signature (full, for an explorer)' },
    slot: integer,
    timestamp: { type: 'integer', description: 'unix seconds' },
  },
  required: ['asset', 'amount', 'signature', 'slot', 'timestamp'],
} as const;

const strength = { type: 'number', description: 'strength of this piece of evidence in [0, 1] (the signal is the noisy-OR of its pieces)' } as const;

/** What the chain says of a counterparty itself, as funding evidence cites it (engine 2.2.0). */
const counterpartyActivity = {
  type: 'object',
  description:
    'what the chain says of the counterparty itself (its newest page of signatures), when it was read (engine 2.2.0): a full page within a day is a busy service (weight 0, never cited), a whole history of at most 500 transactions a wallet of one owner (weight 1)',
  properties: {
    transactions: { type: 'integer', description: 'signatures its newest page listed (at most 1,000)' },
    complete: { type: 'boolean', description: 'the page is its whole history' },
    dedicated: { type: 'boolean', description: 'a wallet of one owner: its whole history is at most 500 transactions and it touched no more wallets than that, so its weight is 1 however many wallets it touched' },
  },
  required: ['transactions', 'complete', 'dedicated'],
  additionalProperties: false,
} as const;

export const fundingEvidence = {
  oneOf: [
    {
      type: 'object',
      description: 'a transfer between the two wallets',
      properties: { kind: { type: 'string', enum: ['direct'] }, from: walletAddress, to: walletAddress, transfer: transferRef, strength },
      required: ['kind', 'from', 'to', 'transfer', 'strength'],
    },
    {
      type: 'object',
      description:
        'the two sold NFTs to each other through a marketplace (engine 2.20.0): the market’s escrow stands between buyer and seller, so no transfer links them; wallets of one owner selling NFTs to each other wash-trade them. Strength: a direct transfer’s × (1 − 0.8^occasions), × 0.6 when each sold the other some, if more',
      properties: {
        kind: { type: 'string', enum: ['nft-sale'] },
        seller: walletAddress,
        buyer: walletAddress,
        nft: { type: 'string', description: 'the mint of the first NFT sold between them' },
        sale: { ...transferRef, description: 'the first sale between them (asset "NFT_SALE", the amount its price in SOL)' },
        sales: { type: 'integer', description: 'NFTs sold between the two, both directions' },
        occasions: { type: 'integer', description: 'separate occasions of those sales (sales within an hour of the one before are one)' },
        bothWays: { type: 'boolean', description: 'each of the two sold the other NFTs' },
        strength,
      },
      required: ['kind', 'seller', 'buyer', 'nft', 'sale', 'sales', 'occasions', 'bothWays', 'strength'],
    },
    {
      type: 'object',
      description:
        'both wallets held an NFT that was sold through a market from wallet to wallet of the group until it came back to the wallet that sold it first (engine 2.20.0): one owner moving it around its own wallets. Strength: a direct transfer’s × (0.5 + 0.5 × 2^(−time away / 7 days))',
      properties: {
        kind: { type: 'string', enum: ['nft-round-trip'] },
        nft: { type: 'string', description: 'the NFT’s mint' },
        wallets: { type: 'array', items: walletAddress, description: 'the group wallets in the order they held it, the first the one it came back to' },
        first: { ...transferRef, description: 'its sale out of wallets[0] (asset "NFT_SALE", the amount its price in SOL)' },
        last: { ...transferRef, description: 'its sale back to wallets[0]' },
        secondsApart: { ...number, description: 'seconds from `first` to `last`' },
        strength,
      },
      required: ['kind', 'nft', 'wallets', 'first', 'last', 'secondsApart', 'strength'],
    },
    {
      type: 'object',
      description: 'one wallet paid the fees of transactions of the other’s own (a trade, or SOL or a token it sent): it signed them with it (engine 2.8.0)',
      properties: {
        kind: { type: 'string', enum: ['fee-payer'] },
        payer: walletAddress,
        wallet: walletAddress,
        transaction: { ...transferRef, description: 'the first such transaction (asset "FEE", the fee paid)' },
        transactions: { type: 'integer', description: 'how many of the wallet’s transactions the payer paid' },
        strength,
      },
      required: ['kind', 'payer', 'wallet', 'transaction', 'transactions', 'strength'],
    },
    {
      type: 'object',
      description:
        '`counterparty` paid the fees of transactions of both wallets’ own (a trade, or SOL or a token each sent), so signed them with each: an operator keeping its wallets without SOL of their own; a gasless relayer, a busy service, weighs 0 (engine 2.8.0)',
      properties: {
        kind: { type: 'string', enum: ['common-fee-payer'] },
        counterparty: { type: 'string', description: 'the common fee payer' },
        counterpartyWallets: { type: 'integer', description: 'distinct wallets of the database it transferred with or paid fees of' },
        counterpartyWeight: { type: 'number', description: 'its weight in [0, 1]: by its degree, 0 for a known exchange or a busy service (a gasless relayer), 1 for a wallet whose whole history on chain is short' },
        counterpartyActivity,
        a: { ...transferRef, description: 'wallet A’s transaction it paid, the closest in time to one of B’s (asset "FEE")' },
        b: { ...transferRef, description: 'wallet B’s transaction it paid (asset "FEE")' },
        transactionsA: { type: 'integer', description: 'how many of wallet A’s transactions it paid' },
        transactionsB: { type: 'integer', description: 'how many of wallet B’s transactions it paid' },
        secondsApart: number,
        strength,
      },
      required: ['kind', 'counterparty', 'counterpartyWallets', 'counterpartyWeight', 'a', 'b', 'transactionsA', 'transactionsB', 'secondsApart', 'strength'],
    },
    {
      type: 'object',
      description:
        'both wallets’ first inbound SOL came from `counterparty` (common-first-funder), both received from it later (common-source, a top-up), or both sent to it (common-destination, a sweep)',
      properties: {
        kind: { type: 'string', enum: ['common-first-funder', 'common-source', 'common-destination'] },
        counterparty: { type: 'string', description: 'the common funder, source or destination' },
        counterpartyWallets: { type: 'integer', description: 'distinct wallets of the database it transferred with' },
        counterpartyWeight: { type: 'number', description: 'its weight in [0, 1]: by its degree, 0 for known exchanges and bridges, 1 for a wallet whose whole history on chain is short (engine 2.2.0)' },
        counterpartyActivity,
        depositTo: {
          type: 'string',
          description:
            'common-destination only: the exchange the counterparty passes what it receives on to (its newest transactions read: one recipient of its outbound SOL, each receipt passed on within a day, most of what it received, no trade of its own), which makes it one exchange account’s deposit address (engine 2.7.0)',
        },
        a: { ...transferRef, description: 'wallet A’s transfer with the counterparty' },
        b: { ...transferRef, description: 'wallet B’s transfer with the counterparty' },
        secondsApart: number,
        strength,
      },
      required: ['kind', 'counterparty', 'counterpartyWallets', 'counterpartyWeight', 'a', 'b', 'secondsApart', 'strength'],
    },
    {
      type: 'object',
      description:
        'both wallets’ first inbound SOL was exactly the same amount, minutes apart, whoever sent it (an exchange withdrawal page, or a fresh wallet per member): one operator funding its wallets in one run (engine 2.1.0); or, with viaA and viaB (engine 2.4.0, always both), it was their first funders’ (fresh wallets each) first inbound SOL that was',
      properties: {
        kind: { type: 'string', enum: ['same-amount-funding'] },
        a: { ...transferRef, description: 'wallet A’s first funding (with viaA: its first funder’s)' },
        b: { ...transferRef, description: 'wallet B’s first funding (with viaB: its first funder’s)' },
        funderA: { type: 'string', description: 'who sent wallet A (with viaA: its first funder) its first SOL' },
        funderB: { type: 'string', description: 'who sent wallet B (with viaB: its first funder) its first SOL' },
        viaA: { type: 'array', items: walletAddress, minItems: 1, maxItems: 1, description: 'wallet A’s first funder, a fresh wallet, that received the same amount (engine 2.4.0)' },
        viaB: { type: 'array', items: walletAddress, minItems: 1, maxItems: 1, description: 'the same for wallet B' },
        secondsApart: number,
        strength,
      },
      required: ['kind', 'a', 'b', 'funderA', 'funderB', 'secondsApart', 'strength'],
    },
    {
      type: 'object',
      description:
        'both wallets’ funding chains reach `counterparty`: each wallet’s first funder, when its whole history on chain is short, was itself first funded by someone, and so on for up to two hops; one owner funded them through fresh wallets of its own (engine 2.3.0)',
      properties: {
        kind: { type: 'string', enum: ['common-upstream-funder'] },
        counterparty: { type: 'string', description: 'the common upstream funder' },
        counterpartyWallets: { type: 'integer', description: 'distinct wallets of the database it transferred with itself, or of the group whose funding chains reach it, whichever is more' },
        counterpartyWeight: { type: 'number', description: 'its weight in [0, 1]: 1 for a wallet whose whole history on chain is short, half its degree’s weight for a longer one; a service, a known exchange or an address the chain was not asked about is no upstream funder' },
        counterpartyActivity,
        viaA: { type: 'array', items: walletAddress, description: 'the fresh wallets between the counterparty and wallet A, the one it funded first (empty: it funded A itself)' },
        viaB: { type: 'array', items: walletAddress, description: 'the same for wallet B' },
        a: { ...transferRef, description: 'the counterparty’s funding of A’s chain (of viaA[0], or of A)' },
        b: { ...transferRef, description: 'the counterparty’s funding of B’s chain' },
        secondsApart: { ...number, description: 'seconds between its two fundings' },
        strength,
      },
      required: ['kind', 'counterparty', 'counterpartyWallets', 'counterpartyWeight', 'viaA', 'viaB', 'a', 'b', 'secondsApart', 'strength'],
    },
    {
      type: 'object',
      description:
        'both wallets’ SOL reached `counterparty`, at least one of them through a fresh address of its own (a whole history on chain of at most 20 transactions) that forwarded the SOL there, or through two in a row, each first funded by the one before (engine 2.7.0): one owner collecting from its wallets through fresh deposit addresses (engine 2.6.0)',
      properties: {
        kind: { type: 'string', enum: ['common-downstream-collector'] },
        counterparty: { type: 'string', description: 'the common collector' },
        counterpartyWallets: { type: 'integer', description: 'distinct wallets of the database it transferred with itself, or of the group whose SOL reached it, whichever is more' },
        counterpartyWeight: { type: 'number', description: 'its weight in [0, 1]: 1 for a wallet whose whole history on chain is short (at most 500 transactions) and that touched no more wallets than that; anything else weighs 0: a known exchange, a service or a longer history (an exchange’s hot wallet collecting its customers’ deposit addresses), or an address the chain was not asked about' },
        counterpartyActivity,
        viaA: { type: 'array', items: walletAddress, maxItems: 2, description: 'the fresh addresses wallet A’s SOL went through to the counterparty, the one A sent it to first; two when that one forwarded to another fresh address it funded first (engine 2.7.0); empty: A sent it there itself' },
        viaB: { type: 'array', items: walletAddress, maxItems: 2, description: 'the same for wallet B' },
        a: { ...transferRef, description: 'the counterparty’s receipt from A’s side (from the last of viaA, or from A)' },
        b: { ...transferRef, description: 'the counterparty’s receipt from B’s side' },
        secondsApart: { ...number, description: 'seconds between its two receipts' },
        strength,
      },
      required: ['kind', 'counterparty', 'counterpartyWallets', 'counterpartyWeight', 'viaA', 'viaB', 'a', 'b', 'secondsApart', 'strength'],
    },
    {
      type: 'object',
      description:
        'one wallet funded the other through fresh wallets: `from` stands in `to`’s funding chain above its first funder (each address between, a wallet whose whole history on chain is short, was first funded by the one before) (engine 2.4.0); or, with `sweep`, `from` sent SOL to a fresh address of its own that forwarded it to `to` (engine 2.6.0), or through two in a row (engine 2.7.0)',
      properties: {
        kind: { type: 'string', enum: ['indirect-transfer'] },
        from: walletAddress,
        to: walletAddress,
        via: { type: 'array', items: walletAddress, minItems: 1, description: 'the fresh wallets between them, the one `from` funded first' },
        first: { ...transferRef, description: '`from`’s transfer to via[0], its first funding' },
        last: { ...transferRef, description: '`to`’s first funding, from the last of `via` (with `sweep`: `via`’s forwarding to `to`)' },
        sweep: { type: 'boolean', const: true, description: 'present only when `from` swept SOL through `via` to `to` (engine 2.6.0)' },
        secondsApart: { ...number, description: 'seconds from the first transfer to the last' },
        strength,
      },
      required: ['kind', 'from', 'to', 'via', 'first', 'last', 'secondsApart', 'strength'],
    },
  ],
} as const;

export const bundleEvidence = {
  type: 'object',
  description: 'the two wallets bought the same token in the same slot or within seconds',
  properties: {
    mint: string,
    signatureA: string,
    signatureB: string,
    slotA: integer,
    slotB: integer,
    timestampA: integer,
    timestampB: integer,
    secondsApart: number,
    sameSlot: { type: 'boolean' },
    early: { type: 'boolean', description: 'both buys among the token’s first buyers' },
    tokenWeight: { type: 'number', description: 'rarity weight of the token' },
    crowd: { type: 'integer', description: 'buys of the token by the group within ± 5 min' },
    tight: { type: 'integer', description: 'of those, within the co-buy window of the earlier buy' },
    launchBlock: { type: 'boolean', const: true, description: 'both buys landed in the token’s launch block (the slot of its creation, read for analysed tokens): present only then; the crowd does not discount it' },
    strength,
  },
  required: ['mint', 'signatureA', 'signatureB', 'slotA', 'slotB', 'timestampA', 'timestampB', 'secondsApart', 'sameSlot', 'early', 'tokenWeight', 'crowd', 'tight', 'strength'],
} as const;

export const bundleOdds = {
  type: 'object',
  description: 'the pair’s co-buys against its chances: two wallets that bought many of the same tokens within half an hour of each other land seconds apart on one by chance; absent on results before engine 2.10.0 and for pairs without co-buys',
  properties: {
    coBuys: { type: 'integer', description: 'pairs of buys of one token, one by each wallet, within 5 s of each other, the tokens co-bought in their launch block apart (those are never chance): the co-buys the chance weighs' },
    nearBuyPairs: { type: 'integer', description: 'pairs of buys of one token, one by each wallet, within 30 min of each other, the same tokens apart: the pair’s opportunities for a co-buy by chance (the co-buys included)' },
    chance: { type: 'number', minimum: 0, maximum: 1, description: 'the probability of at least coBuys co-buys by chance on those opportunities (a Poisson tail); 1 when coBuys is 0' },
    kept: { type: 'number', minimum: 0, maximum: 1, description: 'the share of the co-buys’ strength (outside launch blocks) the bundle score keeps: all of it at the chance of one co-buy on one opportunity or below, none at 10 % or above' },
    summary: { type: 'string', description: 'in words, e.g. “1 of the 8 pairs of their buys of one token within 30 min of each other came within seconds (4.8 % likely by chance)”; empty when coBuys is 0' },
  },
  required: ['coBuys', 'nearBuyPairs', 'chance', 'kept', 'summary'],
} as const;

export const lagMatch = {
  type: 'object',
  description: 'one copied trade: the leader’s and the follower’s, same mint and direction',
  properties: {
    mint: string,
    direction: { type: 'string', enum: ['buy', 'sell'] },
    leaderSignature: string,
    followerSignature: string,
    leaderTime: integer,
    followerTime: integer,
    lagSeconds: number,
  },
  required: ['mint', 'direction', 'leaderSignature', 'followerSignature', 'leaderTime', 'followerTime', 'lagSeconds'],
} as const;

export const pairTimingEvidence = {
  type: ['object', 'null'],
  description: 'who follows whom, by how much, on how many trades; null without any trade of the same token within the window',
  properties: {
    leader: { ...nullableString, description: 'null when neither direction scores or they trade together' },
    follower: nullableString,
    simultaneous: { type: 'boolean', description: 'typical lag (and the sales’ own, where they have one) under 2 s: they trade together, no one leads' },
    matchedWallets: {
      type: 'object',
      description: 'whose trades each match’s leader* and follower* fields are: the direction that scored, also when leader and follower are null (they trade together, or neither direction scores); absent on results stored before it was kept',
      properties: { leader: string, follower: string },
      required: ['leader', 'follower'],
    },
    summary: { type: 'string', description: 'e.g. "B follows A by about 40 s on 17 of 22 trades" (with full addresses)' },
    medianLagSeconds: nullableNumber,
    typicalLagSeconds: {
      ...nullableNumber,
      description: 'the lag the summary goes by: the median lag, or the median of the matches packed at one lag when their improbability carried the score (the buys’ when joined with the sales’); absent before engine 2.11.0',
    },
    typicalSellLagSeconds: { ...nullableNumber, description: 'the sales’ own lag when the buys’ and the sales’ peaks joined carried the score, else null; absent before engine 2.11.0' },
    matched: { type: 'integer', description: 'leader trades copied by the follower' },
    leaderTrades: integer,
    followerTrades: integer,
    matches: { type: 'array', items: lagMatch, description: 'representative copied trades (capped)' },
    matchesOmitted: integer,
  },
  required: ['leader', 'follower', 'simultaneous', 'summary', 'medianLagSeconds', 'matched', 'leaderTrades', 'followerTrades', 'matches', 'matchesOmitted'],
} as const;

export const carrierToken = {
  type: 'object',
  properties: {
    mint: string,
    weight: { type: 'number', description: 'rarity weight of the token' },
    walletsTrading: { type: 'integer', description: 'wallets in the database that traded it' },
  },
  required: ['mint', 'weight', 'walletsTrading'],
} as const;

export const pairEvidence = {
  type: ['object', 'null'],
  description: 'why the pair is related: each signal’s share of combined and its strongest evidence, capped (…Omitted counts the rest); null for pairs without coordination evidence or rare tokens in common, and on results of engine 1.x',
  properties: {
    contributions: perSignal('per signal, its share of combined (they sum to it)'),
    strongest: nullableSignalName,
    funding: { type: 'array', items: fundingEvidence, description: 'strongest first' },
    fundingOmitted: integer,
    bundles: { type: 'array', items: bundleEvidence, description: 'one per co-bought token, strongest first' },
    bundlesOmitted: integer,
    bundleOdds,
    timing: pairTimingEvidence,
    rareTokens: { type: 'array', items: carrierToken, description: 'the rare tokens that carried the rarity overlap, rarest first' },
    rareTokensOmitted: integer,
  },
  required: ['contributions', 'strongest', 'funding', 'fundingOmitted', 'bundles', 'bundlesOmitted', 'timing', 'rareTokens', 'rareTokensOmitted'],
} as const;

export const insightType = {
  type: 'string',
  enum: [
    'Behavioral Mirror',
    'Capital Divergence',
    'Sustained Alignment',
    'Shared Zero Holdings',
    'Significant Asymmetry',
    'Co-trading',
    'Common Funder',
    'Common Collector',
    'Fee Payer',
    'NFT Wash Trading',
    'Direct Transfer',
    'Indirect Transfer',
    'Same-Block Buying',
    'Bought Within Seconds',
    'Copy Trading',
    'Rare Tokens',
  ],
} as const;

export const pairInsight = {
  type: 'object',
  properties: { type: insightType, score: { type: 'number', description: 'the score the rule ranks by' }, reason: string },
  required: ['type', 'score', 'reason'],
} as const;

export const similarityPair = {
  type: 'object',
  additionalProperties: true,
  properties: {
    walletA: string,
    walletB: string,
    scores: pairScores,
    nullReasons: { type: 'object', additionalProperties: { type: 'string' }, description: 'why a score is null, per metric' },
    strength: { type: ['string', 'null'], enum: ['Very High', 'High', 'Moderate', 'Low', 'Very Low', null], description: 'word for combined' },
    sharedTokenCount: integer,
    tradedTokenCountA: integer,
    tradedTokenCountB: integer,
    unionTokenCount: integer,
    sharedHeldCount: integer,
    heldTokenCountA: integer,
    heldTokenCountB: integer,
    capitalOverlapPercent: nullableNumber,
    capitalInSharedPercentA: nullableNumber,
    capitalInSharedPercentB: nullableNumber,
    sharedTokens: {
      type: 'array',
      description: 'top shared tokens by contribution to capital',
      items: { type: 'object', properties: { mint: string, weightA: number, weightB: number, contribution: number }, required: ['mint', 'weightA', 'weightB', 'contribution'] },
    },
    sharedTokensOmitted: integer,
    omittedContribution: number,
    coTrading: {
      type: 'object',
      properties: { coTradedA: integer, coTradedB: integer, tradesA: integer, tradesB: integer },
      required: ['coTradedA', 'coTradedB', 'tradesA', 'tradesB'],
    },
    insights: { type: 'array', items: pairInsight, description: 'named findings, highest score first (docs/analytics.md, "Insights")' },
    evidence: pairEvidence,
  },
  required: ['walletA', 'walletB', 'scores', 'strength', 'insights', 'evidence'],
} as const;

export const clusterEvidence = {
  type: ['object', 'null'],
  description: 'what binds the cluster, capped; null on results of engine 1.x',
  properties: {
    bindingPairs: {
      type: 'array',
      description: 'the strongest member pairs, strongest first',
      items: {
        type: 'object',
        properties: { walletA: string, walletB: string, combined: number, strongest: nullableSignalName, summary: { type: 'string', description: 'the pair’s strongest evidence in words' } },
        required: ['walletA', 'walletB', 'combined', 'strongest', 'summary'],
      },
    },
    commonCounterparties: {
      type: 'array',
      description: 'counterparties that funded, topped up or received from two or more members, or that two or more members’ funding chains reach above their first funders (upstream-funder, engine 2.4.0), or that collected two or more members’ SOL, one of them through a fresh address of its own at least (downstream-collector, engine 2.6.0), or that paid the fees of transactions of two or more members’ own (fee-payer, engine 2.8.0)',
      items: {
        type: 'object',
        properties: { counterparty: string, kind: { type: 'string', enum: ['first-funder', 'upstream-funder', 'downstream-collector', 'source', 'destination', 'fee-payer'] }, memberCount: integer },
        required: ['counterparty', 'kind', 'memberCount'],
      },
    },
    signalPairs: perSignal('member pairs each signal links (its contribution is the pair’s strongest or at least 0.1)'),
  },
  required: ['bindingPairs', 'commonCounterparties', 'signalPairs'],
} as const;

export const similarityCluster = {
  type: 'object',
  additionalProperties: true,
  properties: {
    members: { type: 'array', items: string, description: 'sorted addresses' },
    edgeCount: { type: 'integer', description: 'member pairs linked (combined at or above the threshold)' },
    meanCombined: { ...nullableNumber, description: 'mean combined over member pairs with a score' },
    bindingTokens: {
      type: 'array',
      description: 'tokens traded by at least two members, most members first',
      items: { type: 'object', properties: { mint: string, memberCount: integer, totalWeight: number }, required: ['mint', 'memberCount', 'totalWeight'] },
    },
    confidence: { ...nullableNumber, description: 'mean combined over all member pairs, missing pairs counting 0 (average linkage); null on results of engine 1.x' },
    density: { ...nullableNumber, description: 'share of member pairs that are links; null on results of engine 1.x' },
    weakestMemberLink: { ...nullableNumber, description: 'the weakest member’s mean combined to the others; null on results of engine 1.x' },
    evidence: clusterEvidence,
  },
  required: ['members', 'edgeCount', 'meanCombined', 'bindingTokens', 'confidence', 'density', 'weakestMemberLink', 'evidence'],
} as const;

/** `result` of GET /v1/analyses/{id}: the stored similarity result (null until completed). */
export const similarityResult = {
  type: ['object', 'null'],
  description: 'the similarity result once completed',
  additionalProperties: true,
  properties: {
    engineVersion: { type: 'string', description: 'version of the analytics rules that computed it (1.x: before detection v2, without evidence)' },
    parameters: open,
    pairs: { type: 'array', items: similarityPair, description: 'the strongest pairs (at most the request\'s `topPairs`), strongest first; every pair: GET /v1/analyses/{id}/pairs' },
    pairCount: { type: 'integer', description: 'pairs of the whole analysis (`pairs` may list fewer)' },
    pairsComplete: { type: 'boolean', description: 'whether `pairs` lists every pair of the analysis' },
    clusters: { type: 'array', items: similarityCluster },
    globalMetrics: open,
    coverage: { type: 'array', items: open },
    universe: open,
    mostCommonTokens: { type: 'array', items: open },
    tokenUniverse: { type: 'array', items: { type: 'string' } },
    partialWallets: { type: 'array', items: { type: 'string' } },
  },
} as const;
