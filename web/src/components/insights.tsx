// Insight and evidence kinds as lucide icons (issue 13): one place maps a kind to its icon.
import { ArrowLeftRight, ArrowUpRightFromSquare, Ban, Boxes, Fuel, Gem, Handshake, Inbox, Info, Landmark, Link, Repeat, Scale, Timer, Users, Waypoints, type LucideIcon } from 'lucide-react';

const ICONS: Record<string, LucideIcon> = {
  VeryHighSimilarity: Link,
  SustainedAlignment: Handshake,
  SignificantAsymmetry: Scale,
  BehavioralMirror: Users,
  CapitalDivergence: ArrowUpRightFromSquare,
  SharedZeroHoldings: Ban,
  CoTrading: Timer,
  CopyTrading: Timer,
  Timing: Timer,
  Funding: Landmark,
  CommonFunder: Landmark,
  CommonCollector: Inbox,
  FeePayer: Fuel,
  NFTWashTrading: Repeat,
  DirectTransfer: ArrowLeftRight,
  IndirectTransfer: Waypoints,
  Bundle: Boxes,
  SameBlockBuying: Boxes,
  RareTokens: Gem,
  Rarity: Gem,
};

/** "Behavioral Mirror", "behavioral-mirror", "BehavioralMirror" all name one kind. */
export function insightKey(type: string): string {
  return type
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

export function InsightIcon({ type, size = 16 }: { type: string; size?: number }) {
  const Icon = ICONS[insightKey(type)] ?? Info;
  return <Icon size={size} role="img" aria-label={type} />;
}
