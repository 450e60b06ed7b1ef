// The command line: `show <id> --pair <A> <B>` reads the analysis id and both wallets wherever the
// option stands, and refuses a missing wallet or id before calling the API.
import { ApiError } from '../../../src/cli/api-client';
import { main } from '../../../src/cli/main';

// nothing listens on port 9: a command that gets as far as calling the API fails with ApiError
const api = ['--api', 'http://127.0.0.1:9'];

describe('wallet-similarity show --pair', () => {
  beforeEach(() => jest.spyOn(process.stderr, 'write').mockImplementation(() => true));
  afterEach(() => jest.restoreAllMocks());

  it.each([
    ['after the id', ['show', 'an-id', '--pair', 'AAAA', 'BBBB']],
    ['before the id', ['show', '--pair', 'AAAA', 'BBBB', 'an-id']],
    ['as A,B', ['show', 'an-id', '--pair=AAAA,BBBB']],
  ])('accepts the pair %s and asks the API for the analysis', async (_name, argv) => {
    const err = await main([...argv, ...api]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as Error).message).toMatch(/^cannot reach the API at http:\/\/127\.0\.0\.1:9/);
  });

  it.each([
    [['show', 'an-id', '--pair', 'AAAA'], /--pair needs two wallets/],
    [['show', '--pair', 'AAAA', 'BBBB'], /show --pair needs one analysis id and two wallets/],
    [['show', 'an-id', '--pair=AAAA,BBBB,CCCC'], /--pair takes two wallets/],
  ])('refuses %j with a usage error', async (argv, message) => {
    await expect(main([...argv, ...api])).rejects.toThrow(message);
  });
});
