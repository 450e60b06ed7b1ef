// Views of the whole group: a heatmap of combined scores ordered by cluster, and a graph of the
// wallets with clusters as groups, links weighted by score, funding links drawn dashed. A big group
// (more than GROUP_VIEW_MAX_WALLETS) or a result listing only its strongest pairs is drawn in part
// (groupFocus), and the page says what is left out.
import { useMemo } from 'react';
import type { Cluster, Pair } from '../../api/types';
import { Section } from '../../components/ui';
import { shortAddress } from '../../lib/addresses';
import { GROUP_VIEW_MAX_WALLETS, clusterOrder, groupFocus, hasFunding, pairIndex, type ResultView } from '../../lib/result';
import { finite, formatScore, scorePercent } from '../../lib/scores';

const CLUSTER_COLORS = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0e7490', '#4d7c0f', '#a21caf'];
/** A cluster's colour, by its index in the result (as clusterOrder keys it), so the list, heatmap and graph agree. */
const clusterColor = (i: number) => (i < 0 ? '#6b7280' : CLUSTER_COLORS[i % CLUSTER_COLORS.length]);

function heatColor(value: unknown): string {
  const p = scorePercent(value);
  if (p === null) return '#f3f4f6';
  // white → dark blue
  const l = 97 - p * 0.62;
  return `hsl(220 80% ${l.toFixed(1)}%)`;
}

export function Heatmap({ view }: { view: ResultView }) {
  const { order, clusterOf } = useMemo(() => clusterOrder(view), [view]);
  const index = useMemo(() => pairIndex(view.pairs), [view]);
  const n = order.length;
  const cell = n > 30 ? 10 : n > 15 ? 16 : 24;
  const pad = 6;
  const size = pad + n * cell;
  return (
    <div data-testid="heatmap" className="heatmap">
      <svg width="100%" viewBox={`0 0 ${size} ${size}`} style={{ maxWidth: Math.max(240, size * 1.5) }} role="img" aria-label={`Heatmap of combined scores of ${n} wallets, ordered by cluster`}>
        {order.map((w, i) => (
          <rect key={`c${w}`} x={0} y={pad + i * cell} width={4} height={cell} fill={clusterColor(clusterOf.get(w) ?? -1)} data-wallet={w} />
        ))}
        {order.map((a, i) =>
          order.map((b, j) => {
            if (i === j) return <rect key={`${i}-${j}`} x={pad + j * cell} y={pad + i * cell} width={cell - 1} height={cell - 1} fill="#111827" />;
            const p = index.get(`${a}|${b}`);
            return (
              <rect key={`${i}-${j}`} x={pad + j * cell} y={pad + i * cell} width={cell - 1} height={cell - 1} fill={heatColor(p?.scores?.combined)}>
                <title>{`${shortAddress(a)} × ${shortAddress(b)}: ${formatScore(p?.scores?.combined)}`}</title>
              </rect>
            );
          }),
        )}
      </svg>
      <p className="muted">Rows and columns in cluster order; the left stripe colours each wallet's cluster (grey: none). Darker is more similar.</p>
    </div>
  );
}

interface Node {
  wallet: string;
  x: number;
  y: number;
  cluster: number;
}

/** Clusters on a ring, their members on a ring around each cluster's centre (sized to fit them); loose wallets on an outer ring. */
function layout(view: ResultView): Node[] {
  const { order, clusterOf } = clusterOrder(view);
  const groups = new Map<number, string[]>();
  for (const w of order) {
    const c = clusterOf.get(w) ?? -1;
    groups.set(c, [...(groups.get(c) ?? []), w]);
  }
  const clusters = [...groups.keys()].filter((c) => c >= 0);
  const loose = groups.get(-1) ?? [];
  const SPACING = 26; // between neighbours on a ring
  const radius = (n: number) => (n > 1 ? Math.max(16, (n * SPACING) / (2 * Math.PI)) : 0);
  const radii = clusters.map((c) => radius(groups.get(c)?.length ?? 0));
  // neighbouring clusters' centres at least two radii plus room for the labels (about 100 px) apart
  const GAP = 110;
  const widest = Math.max(0, ...radii);
  const ring =
    clusters.length > 1 ? Math.max(radii.reduce((s, r) => s + 2 * r + GAP, 0) / (2 * Math.PI), (2 * widest + GAP) / (2 * Math.sin(Math.PI / clusters.length))) : 0;
  const nodes: Node[] = [];
  clusters.forEach((c, ci) => {
    const angle = (2 * Math.PI * ci) / clusters.length;
    const cx = ring * Math.cos(angle);
    const cy = ring * Math.sin(angle);
    const members = groups.get(c) ?? [];
    members.forEach((w, k) => {
      const a = (2 * Math.PI * k) / members.length;
      nodes.push({ wallet: w, x: cx + radii[ci] * Math.cos(a), y: cy + radii[ci] * Math.sin(a), cluster: c });
    });
  });
  const outer = Math.max(clusters.length ? ring + widest + GAP : 0, radius(loose.length));
  loose.forEach((w, k) => {
    const a = (2 * Math.PI * k) / Math.max(1, loose.length) + 0.3;
    nodes.push({ wallet: w, x: outer * Math.cos(a), y: outer * Math.sin(a), cluster: -1 });
  });
  return nodes;
}

export function WalletGraph({ view, onWallet, minScore = 0.3 }: { view: ResultView; onWallet?: (w: string) => void; minScore?: number }) {
  const nodes = useMemo(() => layout(view), [view]);
  const links = useMemo(() => {
    const at = new Map(nodes.map((n) => [n.wallet, n]));
    return view.pairs
      .map((p: Pair) => ({ p, a: at.get(p.walletA as string), b: at.get(p.walletB as string), s: finite(p.scores?.combined) ?? 0, funding: hasFunding(p) }))
      .filter((l) => l.a && l.b && (l.s >= minScore || l.funding));
  }, [nodes, view, minScore]);
  // fit the drawing to its nodes, with room for the labels on the right
  const xs = nodes.map((n) => n.x);
  const ys = nodes.map((n) => n.y);
  const [x0, x1, y0, y1] = nodes.length ? [Math.min(...xs) - 20, Math.max(...xs) + 70, Math.min(...ys) - 20, Math.max(...ys) + 20] : [0, 100, 0, 100];
  return (
    <div data-testid="wallet-graph" className="graph">
      <svg width="100%" viewBox={`${x0} ${y0} ${x1 - x0} ${y1 - y0}`} style={{ maxWidth: Math.max(320, (x1 - x0) * 1.6) }} role="img" aria-label={`Graph of ${nodes.length} wallets and ${links.length} links at or above ${Math.round(minScore * 100)} % combined`}>
        {links.map(({ p, a, b, s, funding }) => (
          <line
            key={`${p.walletA}|${p.walletB}`}
            x1={a!.x}
            y1={a!.y}
            x2={b!.x}
            y2={b!.y}
            stroke={funding ? '#b45309' : '#1d4ed8'}
            strokeOpacity={0.35 + 0.6 * Math.min(1, s)}
            strokeWidth={1 + 5 * Math.min(1, Math.max(0, s))}
            strokeDasharray={funding ? '6 4' : undefined}
            data-funding={funding ? 'true' : undefined}
          >
            <title>{`${shortAddress(p.walletA ?? '')} – ${shortAddress(p.walletB ?? '')}: ${formatScore(s)}${funding ? ', funding link' : ''}`}</title>
          </line>
        ))}
        {nodes.map((n) => (
          <g key={n.wallet} className="graph-node" onClick={onWallet ? () => onWallet(n.wallet) : undefined}>
            <circle cx={n.x} cy={n.y} r={9} fill={clusterColor(n.cluster)} stroke="#fff" strokeWidth={2} data-wallet={n.wallet} />
            <text x={n.x + 11} y={n.y + 4} className="graph-label">
              {shortAddress(n.wallet, 3)}
            </text>
            <title>{n.wallet}</title>
          </g>
        ))}
      </svg>
      <p className="muted">Solid links: combined score (thicker is higher). Dashed amber links: the pair has funding evidence.</p>
    </div>
  );
}

const COMMON_KINDS: Record<string, string> = {
  'first-funder': 'common first funder',
  'upstream-funder': 'common upstream funder',
  'downstream-collector': 'common collector',
  source: 'common top-up source',
  destination: 'common sweep destination',
  'fee-payer': 'common fee payer',
};

/** What binds a cluster, from its evidence (results before engine 2.0.0 have none): the signals that link its pairs, its common counterparties, its strongest pair. */
function ClusterBinding({ evidence }: { evidence: Cluster['evidence'] }) {
  if (evidence === null || typeof evidence !== 'object') return null;
  const signals = evidence.signalPairs !== null && typeof evidence.signalPairs === 'object' ? Object.entries(evidence.signalPairs).filter(([, n]) => typeof n === 'number' && n > 0).sort((x, y) => y[1] - x[1]) : [];
  const commons = (Array.isArray(evidence.commonCounterparties) ? evidence.commonCounterparties : []).filter((c) => typeof c?.counterparty === 'string').slice(0, 3);
  const top = (Array.isArray(evidence.bindingPairs) ? evidence.bindingPairs : []).find((p) => typeof p?.summary === 'string');
  const parts = [
    ...(signals.length > 0 ? [`pairs linked by ${signals.map(([s, n]) => `${s} ${n}`).join(', ')}`] : []),
    ...commons.map((c) => {
      const what = typeof c.kind === 'string' && Object.hasOwn(COMMON_KINDS, c.kind) ? COMMON_KINDS[c.kind] : 'common counterparty';
      const n = finite(c.memberCount);
      return `${what} ${shortAddress(c.counterparty as string)}${n === null ? '' : ` (${n} member${n === 1 ? '' : 's'})`}`;
    }),
    ...(top ? [`strongest pair: ${top.summary}`] : []),
  ];
  return parts.length === 0 ? null : (
    <div className="small muted cluster-binding" data-testid="cluster-binding">
      {parts.join(' · ')}
    </div>
  );
}

export function GroupViews({ view, onWallet, maxWallets = GROUP_VIEW_MAX_WALLETS }: { view: ResultView; onWallet?: (w: string) => void; maxWallets?: number }) {
  const focus = useMemo(() => groupFocus(view, maxWallets), [view, maxWallets]);
  const note = focus.note ? (
    <p className="note" data-testid="group-focus-note">
      {focus.note}
    </p>
  ) : null;
  return (
    <>
      <Section title="Heatmap">
        {note}
        <Heatmap view={focus.view} />
      </Section>
      <Section title="Wallet graph">
        {note}
        <WalletGraph view={focus.view} onWallet={onWallet} />
        <h3>Clusters ({view.clusters.length})</h3>
        {view.clusters.length === 0 ? (
          <p className="muted">No cluster: no group of pairs reached the cluster threshold.</p>
        ) : (
          <ol className="clusters">
            {view.clusters.map((c, i) => (
              <li key={i}>
                <span className="swatch" style={{ background: clusterColor(i) }} aria-hidden="true" /> {c.members?.length ?? 0} wallets · mean combined {formatScore(c.meanCombined)}
                {finite(c.confidence) !== null ? ` · confidence ${formatScore(c.confidence)}` : ''}
                <div className="mono small">{(c.members ?? []).map((m) => shortAddress(m)).join(', ')}</div>
                <ClusterBinding evidence={c.evidence} />
              </li>
            ))}
          </ol>
        )}
      </Section>
    </>
  );
}
