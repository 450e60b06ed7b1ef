// wallet-similarity: the command line client of a running API.
//   wallet-similarity analyze <address> <address> ... [--api URL] [--json] [--window DAYS] [--sync auto|force|skip]
//   wallet-similarity analyze --token <mint> [--top N] [...]   (the token's N largest holders)
//   wallet-similarity show <analysis-id> [--api URL] [--json]
//   wallet-similarity show <analysis-id> --pair <A> <B> [--json]   one pair's full evidence
//   wallet-similarity pairs <analysis-id> [--min-score x] [--wallet w] [--limit n] [--all] [--json]
//   wallet-similarity wallet <address> [--sync auto|force|skip] [--top n] [--json]   one wallet's PnL and behavior
//   wallet-similarity changes <analysis-id> [--since <analysis-id>] [--limit n] [--json]   what changed between two analyses
//   wallet-similarity watch add|list|show|run|set|secret|stop …   groups analysed again on a schedule (/v1/watches)
import { parseArgs } from 'node:util';
import { ActionableError, isArgumentError, printOneLine } from '../errors';
import { printable } from './evidence';
import { ApiClient } from './api-client';
import { followAnalysis, startAndFollow } from './follow';
import { renderPairEvidence } from './pair-detail';
import { MAX_PAGE, groupWallet, locatePair, pairPages, renderPairsPage } from './pairs';
import { renderAnalysis } from './render';
import { renderChanges } from './changes';
import { renderSecretRotated, renderWatch, renderWatchList } from './watches';
import { CHANGES_MAX_LIMIT } from '../api/schemas/changes';
import { fetchWallet, listedTokens, renderWallet, symbolsOf, syncProgressLine } from './wallet';
import { MAX_WINDOW_DAYS, syncMode, type SyncMode } from '../api/schemas/analyses';

const USAGE = `usage:
  wallet-similarity analyze <address> <address> ... [options]   start an analysis, follow it, print the result
  wallet-similarity analyze --token <mint> [--top N] [options]  the same for a token's N largest holders
  wallet-similarity show <analysis-id> [options]                follow or print a stored analysis
  wallet-similarity show <analysis-id> --pair <A> <B>           one pair's full evidence, signatures in full
  wallet-similarity pairs <analysis-id> [--min-score x] [--wallet w] [--limit n] [--all]
                                                                every pair, strongest first, a page at a time
  wallet-similarity wallet <address> [--sync mode] [--top n]    one wallet's PnL, behavior and coverage (synced
                                                                first when it has no stored history or a stale one)
  wallet-similarity changes <analysis-id> [--since <analysis-id>]
                                                                what changed since another analysis (by default the
                                                                key's last before it sharing most of its wallets):
                                                                wallets, clusters, links formed and broken
  wallet-similarity watch add <address> <address> ... [--every minutes] [--notify url [--notify-on when]] [--window d] [--sync m]
  wallet-similarity watch add --token <mint> [--top N] [--every minutes] [--notify url [--notify-on when]]
                                                                analyse the group now and again every --every minutes
                                                                (default 1440: daily), each run compared with the last,
                                                                and POST the runs to a webhook
  wallet-similarity watch list | show <id> [--runs n] | run <id> | stop <id>
                                                                the key's watches; one's runs with what changed; a run
                                                                now; stop it (its runs' analyses stay)
  wallet-similarity watch set <id> [--every minutes] [--notify url] [--notify-on when] [--no-notify]
                                                                change a watch's interval or webhook, what is not given
                                                                kept (a new URL: a new secret, printed once)
  wallet-similarity watch secret <id> [--keep-previous-hours n] a new signing secret for the watch's webhook (printed
                                                                once); the old one signs beside it n hours more (default 24)

options:
  --api <url>         the API (default $WALLET_SIMILARITY_API or http://127.0.0.1:3000)
  --api-key <key>     when the API has API_KEYS set (default $WALLET_SIMILARITY_API_KEY)
  --json              print the GET /v1/analyses/{id} body on stdout instead of tables
                      (pairs: one pair per line, NDJSON)
  --window <days>     analyse only the last <days> days (default: full history)
  --sync <mode>       auto (sync wallets that are not READY; default), force (also a token's holders), or skip
                      (wallet: auto syncs it when it has no stored history or a stale one, force syncs it
                      anyway, skip shows only what is stored)
  --token <mint>      analyse the token's largest holders (burn, program-owned, exchange and busy service accounts left out)
  --top <n>           with --token: how many holders (default 100, at most the API's MAX_WALLETS_PER_ANALYSIS);
                      with wallet: tokens listed (default 10); otherwise: pairs shown in the table (default 10)
  --pairs <n>         pairs shown in the table (default 10)
  --pair <A> <B>      with show: the pair of wallets A and B (full address, unique prefix or the
                      table's short form such as 7xKX…gAsU) with all its evidence, also when the
                      result lists only its strongest pairs
  --min-score <x>     with pairs: only pairs with relatedness (combined) of at least x (0 to 1)
  --wallet <w>        with pairs: only the pairs of this wallet of the group
  --limit <n>         with pairs: pairs per page, 1 to ${MAX_PAGE} (default 100)
  --all               with pairs: every page, not only the first
  --since <id>        with changes: the analysis to compare with (default: the key's last completed one before it
                      sharing most of its wallets, at least half)
  --limit <n>         with changes: links formed and broken listed, each, 1 to ${CHANGES_MAX_LIMIT} (default 100)
                      (--json: the GET /v1/analyses/{id}/changes body)
  --every <minutes>   with watch add and set: minutes between runs (the API's WATCH_MIN_EVERY_MINUTES, default 60, to 43200)
  --notify <url>      with watch add and set: a webhook each run is POSTed to, signed (the secret is printed once)
  --no-notify         with watch set: no webhook any more
  --notify-on <when>  with --notify (watch set: alone too): changes (default: runs that found wallets, clusters or
                      links added or gone) or every-run
  --runs <n>          with watch show: runs listed, newest first (default 20)
  --keep-previous-hours <n>
                      with watch secret: hours the replaced secret still signs, 0 to 168 (default 24; 0 for one that leaked)`;

class UsageError extends ActionableError {
  override name = 'UsageError';
}

type Command = 'analyze' | 'show' | 'pairs' | 'wallet' | 'changes' | 'watch';
/** Options every command takes. */
const COMMON_OPTIONS = ['api', 'api-key', 'json', 'help'];
/** Each command's own options: another's is a usage error, not silently ignored. */
const OPTIONS_OF: Record<Command, string[]> = {
  analyze: ['window', 'sync', 'token', 'top', 'pairs'],
  show: ['pair', 'top', 'pairs'],
  pairs: ['min-score', 'wallet', 'limit', 'all'],
  wallet: ['sync', 'top'],
  changes: ['since', 'limit'],
  watch: ['window', 'sync', 'token', 'top', 'every', 'notify', 'notify-on', 'no-notify', 'runs', 'keep-previous-hours'],
};

export async function main(argv: string[]): Promise<number> {
  const { values, positionals, tokens } = parseArgs({
    args: argv,
    allowPositionals: true,
    tokens: true,
    options: {
      pair: { type: 'string' },
      api: { type: 'string' },
      'api-key': { type: 'string' },
      json: { type: 'boolean', default: false },
      window: { type: 'string' },
      sync: { type: 'string' },
      top: { type: 'string' },
      token: { type: 'string' },
      pairs: { type: 'string' },
      'min-score': { type: 'string' },
      wallet: { type: 'string' },
      limit: { type: 'string' },
      all: { type: 'boolean', default: false },
      since: { type: 'string' },
      every: { type: 'string' },
      notify: { type: 'string' },
      'notify-on': { type: 'string' },
      runs: { type: 'string' },
      'keep-previous-hours': { type: 'string' },
      'no-notify': { type: 'boolean' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    // asked for: on stdout (`… --help | less`); a bare call is a usage mistake: on stderr
    (values.help ? console.log : console.error)(USAGE);
    return values.help ? 0 : 2;
  }
  // own keys only: `in` also finds 'constructor', 'toString' and '__proto__' on the prototype
  if (Object.hasOwn(OPTIONS_OF, command)) {
    const given = [...new Set(tokens.flatMap((t) => (t.kind === 'option' ? [t.name] : [])))];
    const foreign = given.filter((name) => !COMMON_OPTIONS.includes(name) && !OPTIONS_OF[command as Command].includes(name));
    if (foreign.length > 0) {
      const where = (name: string) => (Object.keys(OPTIONS_OF) as Command[]).filter((c) => OPTIONS_OF[c].includes(name));
      const commands = new Intl.ListFormat('en', { type: 'conjunction' });
      const said = foreign.map((name) => `--${name}${where(name).length > 0 ? ` (an option of ${commands.format(where(name))})` : ''}`).join(', ');
      throw new UsageError(`${command} does not take ${said}`);
    }
  }
  const api = new ApiClient(values.api ?? process.env.WALLET_SIMILARITY_API ?? 'http://127.0.0.1:3000', values['api-key'] ?? process.env.WALLET_SIMILARITY_API_KEY);
  const count = (flag: string, value: string | undefined, min: number): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} must be a whole number of at least ${min}, got '${value}'`);
    return n;
  };
  const token = values.token;
  const holders = token === undefined ? undefined : count('top', values.top, 2);
  const top = count('pairs', values.pairs, 1) ?? (token === undefined ? count('top', values.top, 1) : undefined);

  /** The analysis `what` asks for: the wallets given or --token's holders, with --window and --sync. */
  const analysisBody = (what: string, wallets: string[]) => {
    if (token !== undefined && wallets.length > 0) throw new UsageError(`${what} takes wallet addresses or --token <mint>, not both`);
    if (token === undefined && wallets.length < 2) throw new UsageError(`${what} needs at least two wallet addresses, or --token <mint>`);
    const window = values.window === undefined ? undefined : Number(values.window);
    if (window !== undefined && !(Number.isInteger(window) && window > 0 && window <= MAX_WINDOW_DAYS)) throw new UsageError(`--window must be a whole number of days from 1 to ${MAX_WINDOW_DAYS}, got '${values.window}'`);
    const sync = checkedSyncMode(values.sync);
    const group = token === undefined ? { wallets } : { token, ...(holders ? { top: holders } : {}) };
    return { ...group, ...(window ? { window } : {}), ...(sync ? { sync } : {}) };
  };

  let view;
  if (command === 'analyze') {
    view = await startAndFollow(api, analysisBody('analyze', args), { log: (l) => console.error(l) });
  } else if (command === 'watch') {
    const [sub, ...rest] = args;
    const one = (usage: string) => {
      if (rest.length !== 1) throw new UsageError(`watch ${sub} needs one watch id: watch ${usage}`);
      return rest[0];
    };
    const print = (json: unknown, text: () => string) => (values.json ? process.stdout.write(`${JSON.stringify(json, null, 2)}\n`) : console.log(text()));
    const every = count('every', values.every, 1);
    const asked = values['notify-on'];
    // watch set changes `on` alone (the webhook's URL kept); watch add needs the URL
    if (asked !== undefined && values.notify === undefined && sub !== 'set') throw new UsageError('--notify-on needs --notify <url>');
    if (asked !== undefined && asked !== 'changes' && asked !== 'every-run') throw new UsageError(`--notify-on takes changes or every-run, not '${printable(asked)}'`);
    const on: 'changes' | 'every-run' | undefined = asked;
    const url = values.notify;
    const onIfGiven = on ? { on } : {};
    if (values['no-notify'] && sub !== 'set') throw new UsageError('--no-notify is an option of watch set');
    if (sub === 'add') {
      const webhook = url === undefined ? {} : { notify: { url, ...onIfGiven } };
      const watch = await api.createWatch({ ...analysisBody('watch add', rest), ...(every === undefined ? {} : { everyMinutes: every }), ...webhook });
      print(watch, () => `${renderWatch(watch)}\nFollow it: wallet-similarity watch show ${watch.watchId}`);
    } else if (sub === 'list') {
      if (rest.length > 0) throw new UsageError('watch list takes no argument');
      const watches = await api.listWatches();
      print(watches, () => renderWatchList(watches));
    } else if (sub === 'show') {
      const watch = await api.getWatch(one('show <watch-id>'), count('runs', values.runs, 1));
      print(watch, () => renderWatch(watch));
    } else if (sub === 'run') {
      const id = one('run <watch-id>');
      await api.runWatch(id);
      print({ watchId: id, requested: true }, () => `A run of watch ${id} is requested: wallet-similarity watch show ${id}`);
    } else if (sub === 'set') {
      const id = one('set <watch-id> [--every minutes] [--notify url] [--notify-on when] [--no-notify]');
      if (values['no-notify'] && (values.notify !== undefined || asked !== undefined)) throw new UsageError('watch set takes --notify <url> and --notify-on, or --no-notify, not both');
      // what is given changes; the webhook's URL or `on` left out is kept
      const webhook = values['no-notify'] ? { notify: null } : url === undefined && on === undefined ? {} : { notify: { ...(url === undefined ? {} : { url }), ...onIfGiven } };
      const change = { ...(every === undefined ? {} : { everyMinutes: every }), ...webhook };
      if (Object.keys(change).length === 0) throw new UsageError('watch set needs --every, --notify, --notify-on or --no-notify: what to change');
      const watch = await api.changeWatch(id, change);
      print(watch, () => renderWatch(watch));
    } else if (sub === 'secret') {
      const id = one('secret <watch-id>');
      const keep = count('keep-previous-hours', values['keep-previous-hours'], 0);
      const rotated = await api.rotateWatchSecret(id, keep);
      print(rotated, () => renderSecretRotated(rotated));
    } else if (sub === 'stop') {
      const id = one('stop <watch-id>');
      await api.deleteWatch(id);
      print({ watchId: id, deleted: true }, () => `Watch ${id} stopped; its runs' analyses stay (wallet-similarity show <analysis-id>)`);
    } else {
      throw new UsageError(`watch needs one of add, list, show, run, set, secret or stop${sub === undefined ? '' : `, not '${printable(sub)}'`}`);
    }
    return 0;
  } else if (command === 'show') {
    const pair = values.pair === undefined ? null : pairArguments(tokens, values.pair);
    const ids = pair ? args.filter((_, i) => i !== pair.secondAt) : args;
    if (ids.length !== 1) throw new UsageError(pair ? 'show --pair needs one analysis id and two wallets: show <analysis-id> --pair <A> <B>' : 'show needs one analysis id');
    view = await followAnalysis(api, ids[0]);
    if (pair) {
      const found = await locatePair(api, view, pair.first, pair.second);
      if (values.json) process.stdout.write(`${JSON.stringify(found.pair, null, 2)}\n`);
      else console.log(renderPairEvidence(view, found.pair, { rank: found.rank }));
      return 0;
    }
  } else if (command === 'pairs') {
    if (args.length !== 1) throw new UsageError('pairs needs one analysis id');
    const minScore = values['min-score'] === undefined ? undefined : Number(values['min-score']);
    if (minScore !== undefined && !(values['min-score'] !== '' && minScore >= 0 && minScore <= 1)) throw new UsageError(`--min-score must be a number from 0 to 1, got '${values['min-score']}'`);
    const limit = count('limit', values.limit, 1);
    if (limit !== undefined && limit > MAX_PAGE) throw new UsageError(`--limit must be at most ${MAX_PAGE}, got '${values.limit}'`);
    return printPairs(api, args[0], { minScore, wallet: values.wallet, limit, all: values.all, json: values.json });
  } else if (command === 'wallet') {
    if (args.length !== 1) throw new UsageError('wallet needs one wallet address');
    // the API checks it in full (a 32-byte key); this catches what is no address at all, before any call
    if (!/^[1-9A-HJ-NP-Za-km-z]{32,44}$/.test(args[0])) throw new UsageError(`'${printable(args[0])}' is not a Solana wallet address (32 to 44 base58 characters)`);
    const sync = checkedSyncMode(values.sync) ?? 'auto';
    const tokens = count('top', values.top, 1);
    // on a terminal a followed sync's progress is one live line; otherwise a line per change
    const progress = process.stderr.isTTY ? syncProgressLine(process.stderr, args[0]) : undefined;
    const wallet = await fetchWallet(api, args[0], { sync, log: (l) => console.error(l), ...(progress ? { progress } : {}) });
    if (values.json) process.stdout.write(`${JSON.stringify(wallet, null, 2)}\n`);
    else console.log(renderWallet(wallet, { tokens, symbols: await symbolsOf(api, listedTokens(wallet, tokens ?? 10).map((t) => t.mint as string)) }));
    return 0;
  } else if (command === 'changes') {
    if (args.length !== 1) throw new UsageError('changes needs one analysis id: changes <analysis-id> [--since <analysis-id>]');
    const limit = count('limit', values.limit, 1);
    if (limit !== undefined && limit > CHANGES_MAX_LIMIT) throw new UsageError(`--limit must be at most ${CHANGES_MAX_LIMIT}, got '${values.limit}'`);
    const since = values.since ?? (await earlierSharing(api, args[0], (line) => console.error(line)));
    const changes = await api.getChanges(args[0], since, limit);
    if (values.json) process.stdout.write(`${JSON.stringify(changes, null, 2)}\n`);
    else console.log(renderChanges(changes));
    return 0;
  } else {
    throw new UsageError(`unknown command '${command}'`);
  }
  if (values.json) process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
  else console.log(renderAnalysis(view, { topPairs: top }));
  return view.status === 'completed' ? 0 : 1;
}

/**
 * `changes <id>` without --since: the key's completed analysis before it whose group shares most of
 * its wallets (at least half of them; the newest of those sharing as many), said on `log`.
 */
async function earlierSharing(api: ApiClient, id: string, log: (line: string) => void): Promise<string> {
  const view = await api.getAnalysis(id);
  const none = `no completed analysis of this key before ${id} shares half of its wallets: give the one to compare with, --since <analysis-id>`;
  if (view.wallets.length < 2) throw new ActionableError(none);
  const [earlier] = await api.completedAnalysesSharing(id);
  if (!earlier?.analysisId) throw new ActionableError(none);
  log(`Compared with ${earlier.analysisId} (${earlier.createdAt}), which shares ${earlier.shared} of its ${view.wallets.length} wallets (--since picks another)`);
  return earlier.analysisId;
}

/** The `--sync` mode given, if one was. */
function checkedSyncMode(value: string | undefined): SyncMode | undefined {
  if (value !== undefined && !syncMode.enum.includes(value as SyncMode)) throw new UsageError(`--sync must be ${syncMode.enum.join(', ')}, got '${value}'`);
  return value as SyncMode | undefined;
}

/** `pairs <id>`: the analysis (for token names and the group), then its pages as tables or NDJSON. */
async function printPairs(api: ApiClient, id: string, o: { minScore?: number; wallet?: string; limit?: number; all: boolean; json: boolean }): Promise<number> {
  const view = await api.getAnalysis(id);
  if (view.status !== 'completed') throw new ActionableError(`analysis ${id} is ${view.status}: its pairs are served once it completes (wallet-similarity show ${id} follows it)`);
  const wallet = o.wallet === undefined ? undefined : groupWallet(view, o.wallet);
  const filters = { ...(o.minScore !== undefined ? { minScore: o.minScore } : {}), ...(wallet ? { wallet } : {}) };
  let first = 1;
  let more = false;
  for await (const page of pairPages(api, id, { ...filters, ...(o.limit ? { limit: o.limit } : {}) }, o.all)) {
    if (o.json) for (const p of page.pairs) process.stdout.write(`${JSON.stringify(p)}\n`);
    else console.log(renderPairsPage(view, page, first, filters));
    first += page.pairs.length;
    more = page.nextCursor !== null;
  }
  if (more && !o.json) console.log(`More pairs follow: add --all to print every page.`);
  return 0;
}

type Tokens = NonNullable<ReturnType<typeof parseArgs>['tokens']>;

/**
 * The two wallets of `--pair <A> <B>` (or `--pair A,B`): A is the option's value, B the argument
 * right after it. `secondAt` is B's place among the command's arguments, so it is not read as the id.
 */
function pairArguments(tokens: Tokens, value: string): { first: string; second: string; secondAt: number } {
  if (value.includes(',')) {
    const [first, second, ...rest] = value.split(',');
    if (!first || !second || rest.length > 0) throw new UsageError(`--pair takes two wallets, got '${value}'`);
    return { first, second, secondAt: -1 };
  }
  const option = tokens.find((t) => t.kind === 'option' && t.name === 'pair');
  const next = option && option.kind === 'option' ? option.index + (option.inlineValue ? 1 : 2) : -1;
  const positionals = tokens.filter((t) => t.kind === 'positional');
  const second = positionals.find((t) => t.index === next);
  if (!second || second.kind !== 'positional') throw new UsageError(`--pair needs two wallets: --pair <A> <B>, got only '${value}'`);
  // arguments after the command name: the positional's rank among them
  return { first: value, second: second.value, secondAt: positionals.indexOf(second) - 1 };
}

/**
 * Exits once what was written to stdout and stderr has left the process: a pipe takes 64 KiB at a
 * time, and process.exit() drops the rest (a `--json` result read by a slower program arrived cut).
 */
async function exitWhenWritten(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write('', () => resolve()))));
  process.exit(code);
}

/** Runs the command and exits: 0 completed, 1 failed or unreachable, 2 usage error. */
export function runCli(argv: string[]): void {
  // a reader that stops early (`| head`) closes the pipe: nothing more to say, not a failure
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  main(argv).then(
    (code) => exitWhenWritten(code),
    (err: unknown) => {
      // parseArgs refusing the arguments (an unknown option, a missing value) is a usage mistake too
      if (!(err instanceof UsageError) && !isArgumentError(err)) {
        // then exit as a success does: NDJSON already written still reaches a slow reader
        printOneLine(err);
        return exitWhenWritten(1);
      }
      // one line: parseArgs's own messages may span several
      console.error(`error: ${err.message.replace(/\s*\n\s*/g, ' ').trim()}\n\n${USAGE}`);
      return exitWhenWritten(2);
    },
  );
}

if (require.main === module) runCli(process.argv.slice(2));
