// The Lab's client types (web/src/api/schema.d.ts) are generated from the API's OpenAPI document:
// a change to a route schema without `npm run api:types` fails here, not in an analyst's browser.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);

describe('web/src/api/schema.d.ts', () => {
  jest.setTimeout(120_000);

  it('is what openapi-typescript makes of the API document today', async () => {
    const { stdout } = await run(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/openapi.ts', '--check'], { cwd: ROOT });
    expect(stdout).toContain('matches the API');
  });

  it('describes the routes the Lab calls', async () => {
    const { openApiDocument } = await import('../../scripts/openapi');
    const doc = (await openApiDocument()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/analyses', '/v1/analyses/{id}', '/v1/analyses/{id}/events', '/v1/analyses/{id}/proceed', '/v1/wallets/status', '/v1/wallets/sync', '/v1/wallets/{address}', '/v1/tokens/{mint}']),
    );
  });
});
