// One wallet's pairs in a result that lists only the strongest of all pairs: read from the API
// (GET /v1/analyses/{id}/pairs?wallet=), strongest first, a page at a time on request.
import type { Pair } from '../../api/types';
import { ErrorNote, ScoreBar, Skeleton } from '../../components/ui';
import { shortAddress } from '../../lib/addresses';
import { usePairPages } from '../pairs/usePairPages';

export const WALLET_PAIRS_PAGE = 10;

export function WalletPairs({ analysisId, wallet, onOpen }: { analysisId: string; wallet: string; onOpen?: (p: Pair) => void }) {
  const pages = usePairPages(analysisId, { wallet, limit: WALLET_PAIRS_PAGE });
  if (pages.error) return <ErrorNote message={pages.error} onRetry={pages.retry} />;
  if (pages.matched === null) return <Skeleton lines={3} label="Loading the wallet's pairs" />;
  return (
    <div data-testid="wallet-pairs">
      <p className="muted" aria-live="polite">
        {pages.pairs.length} of {pages.matched} pairs of {shortAddress(wallet)}, strongest first
      </p>
      <ol className="wallet-pairs">
        {pages.pairs.map((p) => {
          const other = p.walletA === wallet ? p.walletB : p.walletA;
          return (
            <li key={`${p.walletA}|${p.walletB}`} data-testid="wallet-pair" data-wallet={other}>
              <button type="button" className="mono" onClick={onOpen ? () => onOpen(p) : undefined} title={`Open pair ${p.walletA} and ${p.walletB}`}>
                {shortAddress(other ?? '')}
              </button>
              <ScoreBar value={p.scores?.combined} label="Combined" />
            </li>
          );
        })}
      </ol>
      {!pages.done ? (
        <button type="button" onClick={pages.more} disabled={pages.loading}>
          {pages.loading ? 'Loading…' : `More pairs of ${shortAddress(wallet)}`}
        </button>
      ) : null}
    </div>
  );
}
