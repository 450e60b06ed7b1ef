// Small building blocks every feature uses: score bars, skeletons, wallet badges, explorer links,
// and an error with its Retry button.
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { Check, Copy, ExternalLink } from 'lucide-react';
import { shortAddress } from '../lib/addresses';
import { formatScore, scorePercent } from '../lib/scores';

export function Skeleton({ lines = 3, label = 'Loading' }: { lines?: number; label?: string }) {
  return (
    <div className="skeleton" data-testid="skeleton" role="status" aria-label={label}>
      {Array.from({ length: lines }, (_, i) => (
        <div key={i} className="skeleton-line" style={{ width: `${90 - ((i * 17) % 40)}%` }} />
      ))}
    </div>
  );
}

/** An answer that failed (the API's message) and, where asking again may help, a Retry button. */
export function ErrorNote({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <p className="error" role="alert">
      {message}
      {onRetry ? (
        <>
          {' '}
          <button type="button" onClick={onRetry}>
            Retry
          </button>
        </>
      ) : null}
    </p>
  );
}

/**
 * A bar that never leaves its track: the value is clamped to 0–100 %; no value shows "n/a". `hover`
 * shows below it while the pointer rests on it, and while `focused`: the bar sits inside a control
 * (a pair's row) and cannot take focus itself, so the control says when it has it, and names the
 * tooltip (`hoverId`) in its aria-describedby.
 */
export function ScoreBar({ value, label, hover, hoverId, focused = false }: { value: unknown; label: string; hover?: ReactNode; hoverId?: string; focused?: boolean }) {
  const bar = useRef<HTMLSpanElement>(null);
  const [pointed, setPointed] = useState(false);
  const open = Boolean(hover) && (pointed || focused);
  // the tooltip goes to <body>, so the list's scroll box and its transformed rows never clip it
  const [at, setAt] = useState<{ left: number; top: number } | null>(null);
  useLayoutEffect(() => {
    const r = open ? bar.current?.getBoundingClientRect() : undefined;
    setAt(r ? { left: r.left, top: r.bottom + 4 } : null);
  }, [open]);
  const pct = scorePercent(value);
  const text = formatScore(value);
  return (
    <span
      ref={bar}
      className="score"
      role="meter"
      aria-label={`${label} ${text}`}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct ?? undefined}
      onMouseEnter={hover ? () => setPointed(true) : undefined}
      onMouseLeave={hover ? () => setPointed(false) : undefined}
    >
      <span className="score-track" aria-hidden="true">
        <span className="score-fill" style={{ width: `${pct ?? 0}%` }} data-testid="score-fill" />
      </span>
      <span className="score-text">{text}</span>
      {open && at
        ? createPortal(
            <div className="score-tooltip" role="tooltip" id={hoverId} style={{ left: at.left, top: at.top }}>
              {hover}
            </div>,
            document.body,
          )
        : null}
    </span>
  );
}

/** A wallet address as a button that copies it. */
export function WalletBadge({ address, full = false }: { address: string; full?: boolean }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(address).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1200);
      },
      () => undefined,
    );
  };
  const shown = full ? address : shortAddress(address);
  return (
    // the accessible name starts with the visible text (WCAG 2.5.3, label in name)
    <button type="button" className="wallet-badge mono" onClick={copy} aria-label={`${shown}: copy the address ${address}`} title={address}>
      {shown}
      {copied ? <Check size={14} aria-hidden="true" /> : <Copy size={14} aria-hidden="true" />}
    </button>
  );
}

/** The block explorer, always a separate icon button beside what it explains. */
export function ExplorerLink({ kind, value }: { kind: 'tx' | 'account' | 'token'; value: string }) {
  const what = kind === 'tx' ? 'transaction' : kind === 'token' ? 'token' : 'account';
  return (
    <a className="icon-button" href={`https://solscan.io/${kind}/${value}`} target="_blank" rel="noreferrer noopener" aria-label={`Open ${what} ${value} on Solscan`} title="Open on Solscan">
      <ExternalLink size={14} aria-hidden="true" />
    </a>
  );
}

export function Signature({ signature }: { signature: string }) {
  return (
    <span className="signature">
      <span className="mono">{shortAddress(signature, 8)}</span>
      <ExplorerLink kind="tx" value={signature} />
    </span>
  );
}

export function Section({ title, children, testId, className, actions }: { title: string; children: ReactNode; testId?: string; className?: string; actions?: ReactNode }) {
  const id = `h-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <section className={`card ${className ?? ''}`} data-testid={testId} aria-labelledby={id}>
      <header className="card-header">
        <h2 id={id}>{title}</h2>
        {actions}
      </header>
      {children}
    </section>
  );
}

export function formatTime(unixSeconds: unknown): string {
  return typeof unixSeconds === 'number' && Number.isFinite(unixSeconds) ? new Date(unixSeconds * 1000).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : 'n/a';
}

export function formatNumber(value: unknown, digits = 2): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a';
}
