// The API serves the built Similarity Lab at /lab/: `GET /` redirects there, a deep link gets the
// page (the browser routes it), hashed assets are cached for a year and index.html is revalidated,
// the page needs no API key (the data routes still do), and without a build /lab/ answers a 503
// problem that says how to build it. A temporary build directory stands in for web/dist.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { useTestStack } from '../harness/stack';

const KEY = 'lab-serving-key-5e1b7d';
const INDEX = '<!doctype html><html lang="en"><head><script type="module" src="/lab/assets/index-Ab12Cd34.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = Array.from({ length: 200 }, (_, i) => `console.log("the lab, line ${i}");`).join('\n');

describe('the Similarity Lab served at /lab/', () => {
  let app: FastifyInstance;
  let built: string;
  let missing: string;
  const opened = useTestStack(
    { env: { API_KEYS: KEY } },
    {
      afterOpen: async () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-serving-'));
        built = path.join(tmp, 'dist');
        missing = path.join(tmp, 'not-built');
        fs.mkdirSync(path.join(built, 'assets'), { recursive: true });
        fs.writeFileSync(path.join(built, 'index.html'), INDEX);
        fs.writeFileSync(path.join(built, 'assets', 'index-Ab12Cd34.js'), SCRIPT);
        fs.writeFileSync(path.join(built, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
        fs.writeFileSync(path.join(tmp, 'secret.txt'), 'outside the build');
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { labDir: built });
      },
      beforeClose: async () => {
        await app?.close();
        fs.rmSync(path.dirname(built), { recursive: true, force: true });
      },
    },
  );

  it('redirects / to /lab/ (and /lab to /lab/), without a key', async () => {
    const root = await app.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/lab/');
    const bare = await app.inject({ method: 'GET', url: '/lab' });
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/lab/');
  });

  it('serves index.html at /lab/ and for every deep link, revalidated on each visit, with the page security headers', async () => {
    for (const url of ['/lab/', '/lab/analyses/4a3c2f70-1b7e-4c59-9d1a-2f6a3d0c9e11', '/lab/analyses/4a3c2f70-1b7e-4c59-9d1a-2f6a3d0c9e11?pair=2', '/lab/wallets/37RqtwV1Huak8b89qQy9AxxJgbKzeA3AECZxQMgboRsk']) {
      const res = await app.inject({ method: 'GET', url });
      expect({ url, status: res.statusCode, type: res.headers['content-type'], body: res.body }).toEqual({ url, status: 200, type: 'text/html; charset=utf-8', body: INDEX });
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers.etag).toEqual(expect.any(String));
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['content-security-policy']).toContain("connect-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    // a revalidation with the ETag costs nothing
    const first = await app.inject({ method: 'GET', url: '/lab/' });
    const again = await app.inject({ method: 'GET', url: '/lab/', headers: { 'if-none-match': first.headers.etag as string } });
    expect(again.statusCode).toBe(304);
  });

  it('caches hashed assets for a year and other files not at all; a missing asset is a 404, not the page', async () => {
    const asset = await app.inject({ method: 'GET', url: '/lab/assets/index-Ab12Cd34.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.body).toBe(SCRIPT);
    // compressed for a browser that accepts it
    const zipped = await app.inject({ method: 'GET', url: '/lab/assets/index-Ab12Cd34.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(zipped.rawPayload.length).toBeLessThan(SCRIPT.length / 4);
    expect(gunzipSync(zipped.rawPayload).toString('utf8')).toBe(SCRIPT);
    // the API's own answers stay as they were
    expect((await app.inject({ method: 'GET', url: '/openapi.json', headers: { 'accept-encoding': 'gzip' } })).headers['content-encoding']).toBeUndefined();

    const icon = await app.inject({ method: 'GET', url: '/lab/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toBe('image/svg+xml');
    expect(icon.headers['cache-control']).toBe('no-cache');

    const gone = await app.inject({ method: 'GET', url: '/lab/assets/index-Old00000.js' });
    expect(gone.statusCode).toBe(404);
    expect(gone.headers['content-type']).toBe('application/problem+json');
    expect(gone.json()).toMatchObject({ type: 'urn:wallet-similarity:problem:not-found', detail: expect.stringContaining('reload the page') });
  });

  it('never serves a file outside the build', async () => {
    for (const url of ['/lab/../secret.txt', '/lab/%2e%2e/secret.txt', '/lab/..%2fsecret.txt', '/lab/assets/%2e%2e/%2e%2e/secret.txt']) {
      const res = await app.inject({ method: 'GET', url });
      expect({ url, leaked: res.body.includes('outside the build') }).toEqual({ url, leaked: false });
    }
  });

  it('needs no API key for the page, while the data routes still do, and hides the page from the OpenAPI document', async () => {
    expect((await app.inject({ method: 'GET', url: '/lab/analyses/x' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/analyses?wallet=37RqtwV1Huak8b89qQy9AxxJgbKzeA3AECZxQMgboRsk' })).statusCode).toBe(401);
    const doc = await app.inject({ method: 'GET', url: '/openapi.json' });
    const paths = Object.keys((doc.json() as { paths: Record<string, unknown> }).paths);
    expect(paths.length).toBeGreaterThan(5);
    expect(paths.filter((p) => p === '/' || p.startsWith('/lab'))).toEqual([]);
  });

  it('answers 503 problem+json with the build command when the Lab is not built', async () => {
    const bare = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { labDir: missing });
    try {
      for (const url of ['/lab/', '/lab/analyses/4a3c2f70-1b7e-4c59-9d1a-2f6a3d0c9e11']) {
        const res = await bare.inject({ method: 'GET', url });
        expect(res.statusCode).toBe(503);
        expect(res.headers['content-type']).toBe('application/problem+json');
        expect(res.json()).toMatchObject({ type: 'urn:wallet-similarity:problem:lab-not-built', status: 503, detail: expect.stringContaining('the Lab is not built: run npm run build:web') });
      }
      // the redirect still points there, and the API itself is unaffected
      expect((await bare.inject({ method: 'GET', url: '/' })).headers.location).toBe('/lab/');
      expect((await bare.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      // built after start-up: served without a restart
      fs.mkdirSync(missing);
      fs.writeFileSync(path.join(missing, 'index.html'), INDEX);
      expect((await bare.inject({ method: 'GET', url: '/lab/' })).statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  });
});
