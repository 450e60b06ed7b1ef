/** Per-token FIFO result. SOL figures are numbers; token amounts are exact decimal strings. */
export interface TokenPnl {
  mint: string;
  decimals: number;
  buyCount: number;
  sellCount: number;
  transferInCount: number;
  transferOutCount: number;
  boughtAmount: string;
  soldAmount: string;
  /** received by transfer or airdrop: entered at zero cost */
  transferredInAmount: string;
  transferredOutAmount: string;
  /** SOL spent on buys */
  costSol: number;
  /** SOL received from sells */
  proceedsSol: number;
  /** trading profit: proceeds of sold bought-lots minus the cost of those lots (FIFO) */
  realizedPnlSol: number;
  /** proceeds of selling tokens that came in by transfer/airdrop: not trading profit */
  transferProceedsSol: number;
  /** sold beyond the open position (bought before the analysed window): cost unknown */
  unmatchedSellAmount: string;
  unmatchedProceedsSol: number;
  /** cost basis that left by transfer out (not a loss) */
  transferredOutCostSol: number;
  openAmount: string;
  /** part of `openAmount` from zero-cost transfer lots */
  openFromTransferAmount: string;
  openCostBasisSol: number;
  /** true when open lots include zero-cost transfer lots */
  hasTransferLots: boolean;
  /** network fees of transactions with legs in this token */
  feesSol: number;
  /** balance used for unrealized PnL: holdings when given, else the FIFO open amount */
  currentBalance: string;
  /** holdings differ from the FIFO open amount (history outside the window, or transfers unseen) */
  balanceDiffersFromFifo: boolean;
  priceUsd: number | null;
  currentValueSol: number | null;
  /** currentValueSol − openCostBasisSol; null without a price */
  unrealizedPnlSol: number | null;
  /** AVERAGE COST (not FIFO): costSol per token bought; null if nothing bought */
  averageBuyCostSolPerToken: number | null;
  /** closed positions (at most 1 % of the position's peak left after a sale or transfer out) with a trading cost */
  closedPositions: number;
  winningPositions: number;
  /** some legs were valued from USDC/USDT at the supplied SOL price, or split */
  usesEstimatedValues: boolean;
  firstTradeAt: number;
  lastTradeAt: number;
}

export interface WalletPnlTotals {
  tokens: number;
  costSol: number;
  proceedsSol: number;
  volumeSol: number;
  realizedPnlSol: number;
  transferProceedsSol: number;
  unmatchedProceedsSol: number;
  feesSol: number;
  /** failed transactions the wallet paid the fee of (they moved nothing else): 0 when not given */
  failedTransactions: number;
  /** the fees of those failed transactions (with their priority fees): a cost of trading too */
  failedFeesSol: number;
  /** realizedPnlSol − feesSol − failedFeesSol */
  realizedPnlAfterFeesSol: number;
  openCostBasisSol: number;
  /** sum over priced tokens; null when no open token has a price */
  unrealizedPnlSol: number | null;
  pricedOpenTokens: number;
  unpricedOpenTokens: number;
  closedPositions: number;
  winningPositions: number;
  losingPositions: number;
  /** winning / closed; null with no closed position */
  winRate: number | null;
  /** realizedPnlSol × solPriceUsd at the supplied (current) price; null without it */
  realizedPnlUsdAtCurrentPrice: number | null;
}

export interface WalletPnl {
  method: 'FIFO';
  tokens: TokenPnl[];
  totals: WalletPnlTotals;
}

export interface PnlOptions {
  /** current balances per mint; a mint missing here has balance 0. Without it: FIFO open amounts */
  holdings?: Record<string, { uiAmount: string }>;
  /** current USD price per mint */
  pricesUsd?: Record<string, number>;
  /** current SOL/USD price, to turn token prices into SOL */
  solPriceUsd?: number;
  /** the wallet's failed transactions whose fee it paid (stored apart: they have no legs) */
  failed?: FailedFees;
}

/** A wallet's failed transactions whose fee it paid: how many, and those fees in lamports. */
export interface FailedFees {
  transactions: number;
  feeLamports: number;
}
