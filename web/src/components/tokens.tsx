// Token metadata (symbols, names, logos, prices) arrives after the analysis, when the enrichment
// child finishes: labels show the mint until then and switch in place, without a reload.
import { createContext, useContext, useState, type ReactNode } from 'react';
import type { TokenInfo } from '../api/types';
import { shortAddress } from '../lib/addresses';

const TokensContext = createContext<Record<string, TokenInfo>>({});

export function TokensProvider({ tokens, children }: { tokens: Record<string, TokenInfo> | null | undefined; children: ReactNode }) {
  return <TokensContext.Provider value={tokens ?? {}}>{children}</TokensContext.Provider>;
}

export function useToken(mint: string): TokenInfo | undefined {
  return useContext(TokensContext)[mint];
}

/** The token's symbol when known, else its shortened mint (monospace); logos are always 16×16. */
export function TokenLabel({ mint }: { mint: string }) {
  const info = useToken(mint);
  const symbol = info?.symbol ?? null;
  const [broken, setBroken] = useState<string | null>(null);
  const logo = info?.imageUrl && info.imageUrl !== broken ? info.imageUrl : null;
  return (
    <span className="token-label" data-testid="token-label" data-mint={mint} title={info?.name ? `${info.name} (${mint})` : mint}>
      {logo ? <img src={logo} alt="" width={16} height={16} className="token-logo" loading="lazy" onError={() => setBroken(logo)} /> : <span className="token-logo token-logo-empty" aria-hidden="true" />}
      {symbol ? <span>{symbol}</span> : <span className="mono">{shortAddress(mint)}</span>}
    </span>
  );
}
