// What changed since an earlier analysis of the same wallets (GET /v1/analyses/{id}/changes): the
// completed analyses before it that this key may see whose group shares at least half of its wallets
// (GET /v1/analyses?sharing=<its id>&before=, a group of any size) are offered, those
// sharing most first, then the newest, and the first is chosen at once; the card then shows the wallets added and removed, the
// clusters that changed (who joined, who left), formed and dissolved, and the strongest links formed
// and broken with their scores then and now.
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api/client';
import type { AnalysisChanges, AnalysisListItem, AnalysisView } from '../../api/types';
import { ErrorNote, Section, Skeleton, WalletBadge } from '../../components/ui';
import { formatScore } from '../../lib/scores';

type Cluster = AnalysisChanges['clusters']['formed'][number];

function Members({ wallets }: { wallets: readonly string[] }) {
  return (
    <>
      {wallets.map((w) => (
        <WalletBadge key={w} address={w} />
      ))}
    </>
  );
}

const clusterLine = (c: Cluster) => (
  <>
    <Members wallets={c.members} /> <span className="muted">({c.members.length} members, confidence {formatScore(c.confidence)})</span>
  </>
);

export function ChangesCard({ analysis }: { analysis: AnalysisView }) {
  const [earlier, setEarlier] = useState<AnalysisListItem[] | null>(null);
  const [since, setSince] = useState<string>('');
  const [changes, setChanges] = useState<AnalysisChanges | null>(null);
  const [error, setError] = useState<string | null>(null);
  // a group of two or more (a token analysis has none until its holders are resolved): the effect
  // follows the group's size, not its array (a reload of the analysis during its enrichment makes a
  // new one of the same wallets)
  const size = analysis.wallets.length;

  useEffect(() => {
    const controller = new AbortController();
    // nothing of the analysis before carries over (the page stays when only its id changes)
    setEarlier(null);
    setSince('');
    setChanges(null);
    if (size < 2) return;
    api.completedAnalysesSharing(analysis.analysisId, controller.signal).then(
      (list) => {
        // the API's order: most wallets shared, then the newest
        const older = list.analyses ?? [];
        setEarlier(older);
        setSince(older[0]?.analysisId ?? '');
      },
      () => !controller.signal.aborted && setEarlier([]),
    );
    return () => controller.abort();
  }, [analysis.analysisId, size]);

  useEffect(() => {
    if (!since) return;
    const controller = new AbortController();
    setChanges(null);
    setError(null);
    api.changes(analysis.analysisId, since, controller.signal).then(
      (c) => setChanges(c),
      (e: unknown) => !controller.signal.aborted && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => controller.abort();
  }, [analysis.analysisId, since]);

  if (earlier === null) return null;
  if (earlier.length === 0) return null;
  return (
    <Section
      title="Changes since"
      testId="changes-card"
      actions={
        <select aria-label="Earlier analysis to compare with" value={since} onChange={(e) => setSince(e.target.value)}>
          {earlier.map((a) => (
            <option key={a.analysisId} value={a.analysisId}>
              {a.createdAt ? new Date(a.createdAt).toLocaleString() : a.analysisId} · shares {a.shared ?? '?'} of {size} · {a.wallets?.length ?? 0} wallets
            </option>
          ))}
        </select>
      }
    >
      {error ? <ErrorNote message={error} /> : null}
      {!changes && !error ? <Skeleton lines={3} label="Comparing" /> : null}
      {changes ? <ChangesView changes={changes} /> : null}
    </Section>
  );
}

function ChangesView({ changes }: { changes: AnalysisChanges }) {
  const { wallets, clusters, links } = changes;
  return (
    <div className="changes">
      <p>
        Since <Link to={`/analyses/${changes.since.analysisId}`}>that analysis</Link>: {wallets.compared} wallets compared
        {wallets.added.length > 0 ? <>, {wallets.added.length} added</> : null}
        {wallets.removed.length > 0 ? <>, {wallets.removed.length} removed</> : null}.
      </p>
      {wallets.added.length > 0 ? (
        <p data-testid="changes-added">
          Added: <Members wallets={wallets.added} />
        </p>
      ) : null}
      {wallets.removed.length > 0 ? (
        <p data-testid="changes-removed">
          Removed: <Members wallets={wallets.removed} />
        </p>
      ) : null}
      <p data-testid="changes-clusters">
        Clusters: {clusters.changed.length} changed, {clusters.unchanged.length} unchanged, {clusters.formed.length} formed, {clusters.dissolved.length} dissolved.
      </p>
      <ul className="plain-list">
        {clusters.changed.map((c) => (
          <li key={`changed-${c.after.members.join()}`}>
            Changed: {clusterLine(c.after)}
            {c.joined.length > 0 ? (
              <>
                {' '}
                joined <Members wallets={c.joined} />
              </>
            ) : null}
            {c.left.length > 0 ? (
              <>
                {' '}
                left <Members wallets={c.left} />
              </>
            ) : null}
          </li>
        ))}
        {clusters.formed.map((c) => (
          <li key={`formed-${c.members.join()}`}>Formed: {clusterLine(c)}</li>
        ))}
        {clusters.dissolved.map((c) => (
          <li key={`dissolved-${c.members.join()}`}>Dissolved: {clusterLine(c)}</li>
        ))}
      </ul>
      <p data-testid="changes-links">
        Links (relatedness at or above {formatScore(changes.analysis.clusterThreshold)}): {links.formedCount} formed, {links.brokenCount} broken.
      </p>
      <ul className="plain-list">
        {(['formed', 'broken'] as const).flatMap((kind) =>
          links[kind].map((l) => (
            <li key={`${kind}-${l.walletA}-${l.walletB}`}>
              {kind === 'formed' ? 'Formed' : 'Broken'}: <WalletBadge address={l.walletA} /> ~ <WalletBadge address={l.walletB} />{' '}
              <span className="mono">
                {formatScore(l.before)} → {formatScore(l.combined)}
              </span>
            </li>
          )),
        )}
      </ul>
    </div>
  );
}
