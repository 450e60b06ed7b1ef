// A pair's detail: its scores, per-token contributions (10 per page, token column frozen), the
// co-trading timeline, and the evidence (insights, funding, bundles, timing, rare tokens), each
// signature with a separate explorer link. Every part of the evidence is optional.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Accordion } from 'radix-ui';
import { ChevronLeft, ChevronRight, PanelRight, X } from 'lucide-react';
import type { BundleEvidence, BundleOdds, CarrierToken, FundingEvidence, LagMatch, Pair, TimingEvidence } from '../../api/types';
import { InsightIcon } from '../../components/insights';
import { TokenLabel } from '../../components/tokens';
import { ExplorerLink, ScoreBar, Signature, WalletBadge, formatNumber, formatTime } from '../../components/ui';
import { evidenceOf } from '../../lib/result';
import { finite, formatScore } from '../../lib/scores';
import { shortAddress } from '../../lib/addresses';

export const TOKENS_PER_PAGE = 10;
const SCORE_NAMES = ['combined', 'capital', 'behavior', 'timing', 'binary', 'jaccardTraded', 'jaccardHeld', 'funding', 'bundle', 'rarity', 'similarity'] as const;
const SCORE_LABELS: Record<string, string> = { jaccardTraded: 'Jaccard traded', jaccardHeld: 'Jaccard held', binary: 'Binary' };
const label = (name: string) => SCORE_LABELS[name] ?? name[0].toUpperCase() + name.slice(1);
const list = <T,>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

function TokenTable({ pair }: { pair: Pair }) {
  const tokens = useMemo(() => list<NonNullable<Pair['sharedTokens']>[number]>(pair.sharedTokens).filter((t) => typeof t.mint === 'string'), [pair]);
  const pages = Math.max(1, Math.ceil(tokens.length / TOKENS_PER_PAGE));
  const [page, setPage] = useState(0);
  const current = Math.min(page, pages - 1);
  const rows = tokens.slice(current * TOKENS_PER_PAGE, (current + 1) * TOKENS_PER_PAGE);
  return (
    <div data-testid="pair-tokens">
      <h3>Per-token contributions</h3>
      {tokens.length === 0 ? (
        <p className="muted">No shared tokens.</p>
      ) : (
        <>
          {/* a scrolling region is focusable, so keyboard users can scroll it */}
          <div className="table-scroll" tabIndex={0} role="region" aria-label="Per-token contributions">
            <table className="table frozen-first">
              <thead>
                <tr>
                  <th scope="col">Token</th>
                  <th scope="col">Weight A</th>
                  <th scope="col">Weight B</th>
                  <th scope="col">Contribution</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((t) => (
                  <tr key={t.mint} data-testid="pair-token-row">
                    <th scope="row">
                      <TokenLabel mint={t.mint as string} />
                    </th>
                    <td>{formatScore(t.weightA)}</td>
                    <td>{formatScore(t.weightB)}</td>
                    <td>
                      <ScoreBar value={t.contribution} label="Contribution" />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label="Token pages">
            <button type="button" onClick={() => setPage(current - 1)} disabled={current === 0} aria-label="Previous tokens page">
              <ChevronLeft size={16} aria-hidden="true" />
            </button>
            <span>
              Page {current + 1} of {pages}
            </span>
            <button type="button" onClick={() => setPage(current + 1)} disabled={current >= pages - 1} aria-label="Next tokens page">
              <ChevronRight size={16} aria-hidden="true" />
            </button>
          </nav>
          {(pair.sharedTokensOmitted ?? 0) > 0 ? <p className="muted">{pair.sharedTokensOmitted} more shared tokens not listed.</p> : null}
        </>
      )}
    </div>
  );
}

function Timeline({ pair }: { pair: Pair }) {
  const timing = evidenceOf(pair).timing;
  const matches = list<LagMatch>(timing?.matches ?? timing?.evidence).filter((m) => finite(m.leaderTime) !== null && finite(m.followerTime) !== null);
  const co = pair.coTrading;
  const times = matches.flatMap((m) => [m.leaderTime as number, m.followerTime as number]);
  const min = Math.min(...times);
  const span = Math.max(1, Math.max(...times) - min);
  const x = (t: number) => 10 + ((t - min) / span) * 580;
  return (
    <div data-testid="pair-timeline">
      <h3>Co-trading timeline</h3>
      {co ? (
        <>
          <p>
            {co.coTradedA ?? 0} of {co.tradesA ?? 0} trades of A and {co.coTradedB ?? 0} of {co.tradesB ?? 0} of B were the same token and direction within the co-trade window.
          </p>
          <div className="score-list">
            <div className="score-item">
              <span>A co-traded</span>
              <ScoreBar value={(co.tradesA ?? 0) > 0 ? (co.coTradedA ?? 0) / (co.tradesA as number) : null} label="Share of A's trades co-traded" />
            </div>
            <div className="score-item">
              <span>B co-traded</span>
              <ScoreBar value={(co.tradesB ?? 0) > 0 ? (co.coTradedB ?? 0) / (co.tradesB as number) : null} label="Share of B's trades co-traded" />
            </div>
          </div>
        </>
      ) : null}
      {timing?.summary ? <p>{timing.summary}</p> : null}
      {matches.length > 0 ? (
        <svg className="timeline" viewBox="0 0 600 70" role="img" aria-label={`${matches.length} copied trades between ${formatTime(min)} and ${formatTime(min + span)}`}>
          <text x={0} y={14} className="axis-label">
            leader
          </text>
          <text x={0} y={66} className="axis-label">
            follower
          </text>
          {matches.map((m, i) => (
            <g key={i}>
              <line x1={x(m.leaderTime as number)} y1={22} x2={x(m.followerTime as number)} y2={50} className="timeline-link" />
              <circle cx={x(m.leaderTime as number)} cy={22} r={4} className="timeline-a" />
              <circle cx={x(m.followerTime as number)} cy={50} r={4} className="timeline-b" />
            </g>
          ))}
        </svg>
      ) : !co ? (
        <p className="muted">No co-trading recorded.</p>
      ) : null}
    </div>
  );
}

/** The fresh wallets between a funder and one wallet of the pair. */
function chainText(via: readonly string[] | undefined): string {
  return via === undefined || via.length === 0 ? 'directly' : `via ${via.map((a) => shortAddress(a)).join(' → ')}`;
}

function FundingItem({ f }: { f: FundingEvidence }) {
  const refs = [f.transfer, f.transaction, f.sale, f.first, f.last, f.a, f.b].filter((r): r is NonNullable<typeof r> => !!r && typeof r.signature === 'string');
  return (
    <li>
      <InsightIcon type="Funding" /> <strong>{f.kind ?? 'funding'}</strong>
      {f.kind === 'direct' && f.from && f.to ? (
        <>
          {' '}
          <span className="mono">{shortAddress(f.from)}</span> → <span className="mono">{shortAddress(f.to)}</span>
        </>
      ) : f.kind === 'nft-sale' && f.seller && f.buyer ? (
        <>
          {' '}
          <span className="mono">{shortAddress(f.seller)}</span> sold an NFT to <span className="mono">{shortAddress(f.buyer)}</span> through a market
          <span className="muted" title="the market's escrow stands between buyer and seller: no transfer links them">
            {' '}
            ({f.sale?.amount ?? '?'} SOL{typeof f.sales === 'number' && f.sales > 1 ? `; ${f.sales} NFTs on ${f.occasions ?? '?'} occasion${f.occasions === 1 ? '' : 's'}` : ''}
            {f.bothWays ? ', each selling to the other' : ''})
          </span>{' '}
          {f.nft ? <ExplorerLink kind="token" value={f.nft} /> : null}
        </>
      ) : f.kind === 'nft-round-trip' && f.wallets && f.wallets.length > 0 ? (
        <>
          {' '}
          NFT sold around <span className="mono">{[...f.wallets, f.wallets[0]].map((a) => shortAddress(a)).join(' → ')}</span>
          <span className="muted" title="sold through a market from wallet to wallet of this group until it came back to the wallet that sold it first">
            {' '}
            (back after {typeof f.secondsApart === 'number' ? `${formatNumber(f.secondsApart / 86_400, 1)} days` : '?'})
          </span>{' '}
          {f.nft ? <ExplorerLink kind="token" value={f.nft} /> : null}
        </>
      ) : f.kind === 'fee-payer' && f.payer && f.wallet ? (
        <>
          {' '}
          <span className="mono">{shortAddress(f.payer)}</span> paid <span className="mono">{shortAddress(f.wallet)}</span>&apos;s fees
          <span className="muted" title="it signed those transactions of the other wallet's own with it">
            {' '}
            ({typeof f.transactions === 'number' ? `${f.transactions} transaction${f.transactions === 1 ? '' : 's'}` : 'its transactions'})
          </span>
        </>
      ) : f.kind === 'common-fee-payer' && f.counterparty ? (
        <>
          {' '}
          <span className="mono">{shortAddress(f.counterparty)}</span> <ExplorerLink kind="account" value={f.counterparty} /> paid both wallets&apos; fees
          <span className="muted" title="it signed transactions of each wallet's own: a trade, or SOL or a token each sent">
            {' '}
            (A: {f.transactionsA ?? '?'}, B: {f.transactionsB ?? '?'} transactions
            {typeof f.counterpartyWallets === 'number' ? `; ${f.counterpartyWallets} wallets` : ''})
          </span>
          {f.counterpartyActivity?.dedicated ? <span className="muted"> · its whole history: {f.counterpartyActivity.transactions} transactions</span> : null}
        </>
      ) : f.kind === 'indirect-transfer' && f.from && f.to ? (
        <>
          {' '}
          <span className="mono">{shortAddress(f.from)}</span> → <span className="mono">{shortAddress(f.to)}</span>{' '}
          {f.sweep ? (
            <span className="muted" title="a fresh address that the sender funded first forwarded its SOL to the other wallet">
              swept {chainText(f.via)}
            </span>
          ) : (
            <span className="muted" title="each fresh wallet between them, whose whole history on chain is short, was first funded by the one before">
              {chainText(f.via)}
            </span>
          )}
        </>
      ) : f.kind === 'same-amount-funding' && f.a?.amount ? (
        <>
          {' '}
          {f.a.amount} SOL each
          {Array.isArray(f.viaA) && f.viaA.length > 0 && Array.isArray(f.viaB) && f.viaB.length > 0 ? (
            <span className="muted" title="the wallets' first funders, fresh wallets each, received the same amount first">
              {' '}
              to their fresh funders (A: {chainText(f.viaA)}; B: {chainText(f.viaB)})
            </span>
          ) : null}
          {f.funderA ? (
            <span className="muted">
              {' '}
              (from <span className="mono">{shortAddress(f.funderA)}</span>
              {f.funderB && f.funderB !== f.funderA ? (
                <>
                  {' '}
                  and <span className="mono">{shortAddress(f.funderB)}</span>
                </>
              ) : null}
              )
            </span>
          ) : null}
        </>
      ) : (f.kind === 'common-upstream-funder' || f.kind === 'common-downstream-collector') && f.counterparty ? (
        <>
          {' '}
          <span className="mono">{shortAddress(f.counterparty)}</span> <ExplorerLink kind="account" value={f.counterparty} />{' '}
          {f.kind === 'common-upstream-funder' ? 'funded both through fresh wallets' : 'collected from both through fresh deposit addresses'}
          <span className="muted">
            {' '}
            (A: {chainText(f.viaA)}; B: {chainText(f.viaB)})
          </span>
          {f.counterpartyActivity?.dedicated ? <span className="muted"> · its whole history: {f.counterpartyActivity.transactions} transactions</span> : null}
        </>
      ) : f.counterparty ? (
        <>
          {' '}
          via <span className="mono">{shortAddress(f.counterparty)}</span> <ExplorerLink kind="account" value={f.counterparty} />
          {typeof f.counterpartyWallets === 'number' ? <span className="muted"> ({f.counterpartyWallets} wallets)</span> : null}
          {f.counterpartyActivity?.dedicated ? (
            <span className="muted" title="its whole history on chain is short: a wallet of one owner, weight 1 however many wallets it funded">
              {' '}
              · its whole history: {f.counterpartyActivity.transactions} transactions
            </span>
          ) : null}
          {f.depositTo ? (
            <span className="muted" title="it passes what it receives on, within a day, to the exchange and trades nothing: one exchange account's deposit address">
              {' '}
              · a deposit address at <span className="mono">{shortAddress(f.depositTo)}</span>
            </span>
          ) : null}
        </>
      ) : null}
      {typeof f.secondsApart === 'number' && f.kind !== 'nft-round-trip' ? <span className="muted"> · {formatNumber(f.secondsApart, 0)} s apart</span> : null}
      {refs.map((r, i) => (
        <span key={i} className="evidence-ref">
          {r.amount ? `${r.amount} ${r.asset === 'SOL' || !r.asset || r.asset === 'NFT_SALE' ? 'SOL' : r.asset === 'FEE' ? 'SOL fee' : ''}` : ''}
          {r.asset && r.asset !== 'SOL' && r.asset !== 'FEE' && r.asset !== 'NFT_SALE' ? <TokenLabel mint={r.asset} /> : null} <Signature signature={r.signature as string} />
        </span>
      ))}
    </li>
  );
}

function BundleItem({ b }: { b: BundleEvidence }) {
  return (
    <li>
      <InsightIcon type="Bundle" /> {b.mint ? <TokenLabel mint={b.mint} /> : null} {b.launchBlock === true ? 'both in its launch block' : b.sameSlot ? 'same slot' : typeof b.secondsApart === 'number' ? `${formatNumber(b.secondsApart, 1)} s apart` : ''}
      {b.early ? ' · early buyers' : ''}
      {b.signatureA ? <Signature signature={b.signatureA} /> : null}
      {b.signatureB ? <Signature signature={b.signatureB} /> : null}
    </li>
  );
}

/** The pair's co-buys against its chances (engine 2.10.0): nothing on older results or without co-buys outside launch blocks. */
function BundleOddsLine({ odds }: { odds: BundleOdds | undefined }) {
  if (typeof odds?.summary !== 'string' || odds.summary === '') return null;
  const kept = finite(odds.kept);
  return (
    <p data-testid="bundle-odds" className="muted">
      {odds.summary}
      {kept !== null && kept < 0.995 ? `: the bundle score keeps ${formatScore(kept)} of their strength` : ''}
    </p>
  );
}

/**
 * The lag the timing goes by: the typical lag of the packed copies, with the sales' own when the
 * buys' and the sales' peaks joined (engine 2.11.0), and the median of all matches beside it when it
 * differs (a copier in a crowd: its copies 15 s behind, the crowd's matches minutes apart). Results
 * before engine 2.11.0 carry only the median.
 */
export function lagWords(timing: TimingEvidence | undefined): string {
  const typical = finite(timing?.typicalLagSeconds);
  const sales = finite(timing?.typicalSellLagSeconds);
  const median = finite(timing?.medianLagSeconds);
  if (typical === null) return median !== null ? `, median lag ${formatNumber(median, 1)} s` : '';
  const lag = sales !== null ? `, lag ${formatNumber(typical, 1)} s on buys and ${formatNumber(sales, 1)} s on sales` : `, lag ${formatNumber(typical, 1)} s`;
  return median !== null && Math.abs(median - typical) >= 1 ? `${lag} (median of all matches ${formatNumber(median, 1)} s)` : lag;
}

function Evidence({ pair }: { pair: Pair }) {
  const e = evidenceOf(pair);
  const insights = list<NonNullable<Pair['insights']>[number]>(pair.insights);
  const funding = list<FundingEvidence>(e.funding);
  const bundles = list<BundleEvidence>(e.bundle ?? e.bundles);
  const rare = list<CarrierToken>(e.rareTokens ?? e.rarity).filter((t) => typeof t.mint === 'string');
  const timing = e.timing;
  const matches = list<LagMatch>(timing?.matches ?? timing?.evidence);
  const contributions = e.contributions && typeof e.contributions === 'object' ? Object.entries(e.contributions).filter(([, v]) => finite(v) !== null) : [];
  const sections = [
    { key: 'insights', title: `Insights (${insights.length})`, show: true },
    { key: 'funding', title: `Funding (${funding.length})`, show: funding.length > 0 },
    { key: 'bundle', title: `Bundled buys (${bundles.length})`, show: bundles.length > 0 },
    { key: 'timing', title: `Timing (${matches.length} copied trades)`, show: !!timing },
    { key: 'rare', title: `Rare tokens (${rare.length})`, show: rare.length > 0 },
    { key: 'contributions', title: 'Signal contributions', show: contributions.length > 0 },
  ].filter((s) => s.show);
  return (
    <div data-testid="pair-evidence">
      <h3>Evidence</h3>
      <Accordion.Root type="multiple" defaultValue={sections.map((s) => s.key)} className="accordion">
        {sections.map((s) => (
          <Accordion.Item key={s.key} value={s.key} className="accordion-item">
            <Accordion.Header asChild>
              <h4>
                <Accordion.Trigger className="accordion-trigger">{s.title}</Accordion.Trigger>
              </h4>
            </Accordion.Header>
            <Accordion.Content className="accordion-content">
              {s.key === 'insights' ? (
                insights.length === 0 ? (
                  <p className="muted">No insight for this pair.</p>
                ) : (
                  <ul className="evidence-list">
                    {insights.map((i, k) => (
                      <li key={k}>
                        <InsightIcon type={i.type ?? 'Insight'} /> <strong>{i.type ?? 'Insight'}</strong> {i.reason ?? ''}
                      </li>
                    ))}
                  </ul>
                )
              ) : s.key === 'funding' ? (
                <ul className="evidence-list">
                  {funding.map((f, k) => (
                    <FundingItem key={k} f={f} />
                  ))}
                </ul>
              ) : s.key === 'bundle' ? (
                <div>
                  <BundleOddsLine odds={e.bundleOdds} />
                  <ul className="evidence-list">
                    {bundles.map((b, k) => (
                      <BundleItem key={k} b={b} />
                    ))}
                  </ul>
                </div>
              ) : s.key === 'timing' ? (
                <div>
                  <p>
                    <InsightIcon type="Timing" /> {timing?.summary ?? ''}
                    {timing?.leader ? (
                      <>
                        {' '}
                        Leader <span className="mono">{shortAddress(timing.leader)}</span>
                      </>
                    ) : null}
                    {timing?.follower ? (
                      <>
                        , follower <span className="mono">{shortAddress(timing.follower)}</span>
                      </>
                    ) : null}
                    {lagWords(timing)}
                  </p>
                  <ul className="evidence-list">
                    {matches.slice(0, 20).map((m, k) => (
                      <li key={k}>
                        {m.mint ? <TokenLabel mint={m.mint} /> : null} {m.direction ?? ''} · lag {formatNumber(m.lagSeconds, 1)} s{m.leaderSignature ? <Signature signature={m.leaderSignature} /> : null}
                        {m.followerSignature ? <Signature signature={m.followerSignature} /> : null}
                      </li>
                    ))}
                  </ul>
                </div>
              ) : s.key === 'rare' ? (
                <ul className="evidence-list">
                  {rare.map((t) => (
                    <li key={t.mint}>
                      <InsightIcon type="RareTokens" /> <TokenLabel mint={t.mint as string} /> <span className="muted">traded by {t.walletsTrading ?? '?'} wallets in the database</span>
                    </li>
                  ))}
                </ul>
              ) : (
                <ul className="evidence-list">
                  {contributions.map(([name, v]) => (
                    <li key={name}>
                      <ScoreBar value={v} label={label(name)} /> {label(name)}
                    </li>
                  ))}
                </ul>
              )}
            </Accordion.Content>
          </Accordion.Item>
        ))}
      </Accordion.Root>
    </div>
  );
}

export function PairDetail({ pair, onClose, onWallet }: { pair: Pair; onClose: () => void; onWallet?: (w: string) => void }) {
  const a = pair.walletA ?? '';
  const b = pair.walletB ?? '';
  const scores = SCORE_NAMES.filter((n) => pair.scores && n in pair.scores);
  const ref = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  /** what opened the pair (its row, a wallet's pair button) and the pair list holding it: focus goes back there on close */
  const opener = useRef<{ control: HTMLElement; list: HTMLElement | null } | null>(null);
  useEffect(() => {
    const from = document.activeElement;
    if (from instanceof HTMLElement && from !== document.body && !ref.current?.contains(from)) opener.current = { control: from, list: from.closest<HTMLElement>('.pair-scroll') };
    ref.current?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
    // a keyboard or screen-reader user lands on what was opened, not on the row left behind
    heading.current?.focus({ preventScroll: true });
  }, [a, b]);
  const close = () => {
    // the row is gone when the virtualized list scrolled past it or a filter hid it: its list then
    const back = opener.current?.control.isConnected ? opener.current.control : opener.current?.list;
    back?.focus();
    onClose();
  };
  return (
    <section ref={ref} className="card pair-detail" data-testid="pair-detail" aria-labelledby="pair-detail-title">
      <header className="card-header">
        <h2 id="pair-detail-title" ref={heading} tabIndex={-1}>
          Pair detail
        </h2>
        <button type="button" className="icon-button" onClick={close} aria-label="Close pair detail">
          <X size={16} aria-hidden="true" />
        </button>
      </header>
      <div className="pair-wallets">
        {[a, b].map((w, i) => (
          <div key={w || i} className="pair-wallet">
            <span className="muted">{i === 0 ? 'A' : 'B'}</span> <WalletBadge address={w} full />
            <ExplorerLink kind="account" value={w} />
            {onWallet ? (
              <button type="button" className="icon-button" onClick={() => onWallet(w)} aria-label={`Show wallet ${w} in the wallet panel`}>
                <PanelRight size={14} aria-hidden="true" />
              </button>
            ) : null}
          </div>
        ))}
      </div>
      <p>
        Strength: <strong>{pair.strength ?? 'n/a'}</strong>
        {typeof pair.sharedTokenCount === 'number' ? ` · ${pair.sharedTokenCount} shared tokens` : ''}
      </p>
      <div className="score-list">
        {scores.map((n) => (
          <div key={n} className="score-item">
            <span>{label(n)}</span>
            <ScoreBar value={pair.scores?.[n]} label={label(n)} />
          </div>
        ))}
      </div>
      <TokenTable key={`${a}|${b}`} pair={pair} />
      <Timeline pair={pair} />
      <Evidence pair={pair} />
    </section>
  );
}
