// A token analysis: whose holders were analysed, how the group was chosen (top N of the eligible
// owners), who was left out and why, and where the token launched (docs/analytics.md §7). Shown from
// the start: "resolving…" until the workflow knows the holders (or that they were not resolved, when
// the analysis ended before).
import { TokenLabel } from '../../components/tokens';
import { ExplorerLink, Section, Signature, WalletBadge, formatNumber, formatTime } from '../../components/ui';
import type { AnalysisView } from '../../api/types';

type Holders = NonNullable<AnalysisView['holders']>;

/** how an analysis is, as a phrase ("the analysis failed"): every status the API knows */
const STATUS_PHRASES: Record<AnalysisView['status'], string> = { running: 'is running', completed: 'completed', failed: 'failed', cancelled: 'was cancelled', terminated: 'was terminated', timed_out: 'timed out' };

/** excluded owners named (the API lists the 20 largest; the rest are counted) */
const EXCLUDED_SHOWN = 5;

export function HoldersCard({ holders, status = 'running' }: { holders: Holders; status?: AnalysisView['status'] }) {
  const token = typeof holders.token === 'string' ? holders.token : '';
  const counts = Object.entries(holders.excludedCounts ?? {}).filter(([, n]) => typeof n === 'number' && n > 0);
  const excluded = (Array.isArray(holders.excluded) ? holders.excluded : []).filter((e) => typeof e?.owner === 'string').slice(0, EXCLUDED_SHOWN);
  const launch = holders.launch && typeof holders.launch.signature === 'string' ? holders.launch : null;
  const unread = typeof holders.launchUnread === 'string' ? holders.launchUnread : null;
  const scannedAt = typeof holders.scannedAt === 'string' ? Date.parse(holders.scannedAt) : Number.NaN;
  const counted = counts.length > 0 ? counts.map(([reason, n]) => `${String(n)} ${reason}`).join(', ') : excluded.length > 0 ? `${excluded.length} or more` : 'none';
  return (
    <Section title="Token holders" testId="holders-card">
      <p aria-live="polite">
        {token ? <TokenLabel mint={token} /> : null} {token ? <ExplorerLink kind="token" value={token} /> : null}{' '}
        {holders.resolved !== true ? (
          status === 'running' ? (
            <span>resolving its top {formatNumber(holders.top, 0)} holders…</span>
          ) : (
            <span>
              its top {formatNumber(holders.top, 0)} holders were not resolved (the analysis {STATUS_PHRASES[status]})
            </span>
          )
        ) : (
          <span>
            the top {formatNumber(holders.selected, 0)} of {formatNumber(holders.eligible, 0)} eligible holders
            {holders.ownersTested === undefined ? '' : ` among the largest ${formatNumber(holders.ownersTested, 0)} owners tested`} ({formatNumber(holders.ownersSeen, 0)} owners,{' '}
            {formatNumber(holders.accountsSeen, 0)} token accounts{holders.complete === false ? `, first ${formatNumber(holders.pages, 0)} pages only${largestPhrase(holders.largestAccounts)}` : ''})
          </span>
        )}
      </p>
      {holders.resolved === true ? (
        <>
          <p data-testid="holders-left-out">Left out: {counted}</p>
          {excluded.length > 0 ? (
            <ul className="plain-list">
              {excluded.map((e) => (
                <li key={e.owner}>
                  <WalletBadge address={e.owner} /> {typeof e.reason === 'string' ? e.reason : ''}
                  {typeof e.label === 'string' ? ` (${e.label})` : ''}
                </li>
              ))}
            </ul>
          ) : null}
          {launch ? (
            <p data-testid="holders-launch">
              Launch: slot {typeof launch.slot === 'number' ? launch.slot : 'n/a'} on {formatTime(launch.timestamp)} <Signature signature={launch.signature} />; buys in its block are a launch-block co-buy
            </p>
          ) : unread !== null ? (
            <p data-testid="holders-launch" className="note">
              Launch not read ({unread}): a bundle among its snipers may not show
            </p>
          ) : null}
          {Number.isFinite(scannedAt) ? (
            <p data-testid="holders-scanned" className="note">
              Holders as read at {formatTime(scannedAt / 1000)} (an earlier analysis's scan of the token by the same API key, when recent enough; sync “force” reads them afresh)
            </p>
          ) : null}
        </>
      ) : null}
    </Section>
  );
}

/** A scan stopped at its page cap: the mint's largest accounts read besides, or why not. */
function largestPhrase(largest: { read?: number; added?: number; unread?: string } | undefined): string {
  if (!largest) return '';
  if (typeof largest.unread === 'string') return `; its largest accounts could not be read (${largest.unread})`;
  return `, and its ${formatNumber(largest.read, 0)} largest accounts, ${formatNumber(largest.added, 0)} of them past those pages`;
}
