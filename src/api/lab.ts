// The Similarity Lab (web/, built by `npm run build:web` into web/dist) served at /lab/: its files as
// they are, and index.html for every other path under /lab/, so a deep link (/lab/analyses/<id>) opens
// the page, which routes in the browser. The page needs no key: it asks /v1 for data with one.
import fs from 'node:fs';
import path from 'node:path';
import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendProblem } from './problem';

export const LAB_PATH = '/lab/';
/** Where `npm run build:web` writes the Lab (vite's outDir, base '/lab/'). */
export const DEFAULT_LAB_DIR = path.resolve(__dirname, '../../web/dist');
/** Vite names every file under assets/ by its content hash: such a file never changes. */
const HASHED_DIR = 'assets/';

/**
 * Headers of every /lab/ answer. The page loads only its own scripts and talks only to this API (the
 * event stream included); token logos come from the registry's https URLs; inline styles are allowed
 * for the component library's positioning. The referrer stays home: the URL names an analysis.
 */
export const LAB_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The file a request path names inside root, or null when it would leave root. */
function fileInside(root: string, relative: string): string | null {
  if (relative === '' || relative.includes('\0')) return null;
  const file = path.resolve(root, relative);
  return file.startsWith(root + path.sep) ? file : null;
}

export interface LabOptions {
  /** the built Lab (default web/dist); read on every request, so a build after start-up is served */
  root?: string;
}

export async function labRoutes(app: FastifyInstance, opts: LabOptions): Promise<void> {
  const root = path.resolve(opts.root ?? DEFAULT_LAB_DIR);
  // reply.sendFile only (ETag, Last-Modified, ranges, MIME types); routing and caching are ours
  await app.register(fastifyStatic, { root, serve: false, dotfiles: 'deny' });
  // gzip for the page's files only (this plugin's routes): the script is ~400 KB raw, ~130 KB gzipped
  await app.register(compress, { encodings: ['gzip'], threshold: 1024 });

  const hidden = { schema: { hide: true } };
  app.get('/', hidden, (_request, reply) => reply.redirect(LAB_PATH, 302));
  app.get('/lab', hidden, (_request, reply) => reply.redirect(LAB_PATH, 301));

  const sendIndex = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });

  app.get('/lab/*', hidden, async (request, reply) => {
    reply.headers(LAB_SECURITY_HEADERS);
    if (!isFile(path.join(root, 'index.html'))) {
      return sendProblem(reply, request, 'labNotBuilt', `the Lab is not built: run npm run build:web (it writes ${path.relative(process.cwd(), root) || root})`);
    }
    const relative = (request.params as { '*': string })['*'];
    const file = fileInside(root, relative);
    if (file && isFile(file)) {
      if (relative.startsWith(HASHED_DIR)) return reply.sendFile(relative, root, { maxAge: '365d', immutable: true });
      return reply.header('cache-control', 'no-cache').sendFile(relative, root, { cacheControl: false });
    }
    // a hashed file that is gone belongs to an older build: index.html in its place would not run
    if (relative.startsWith(HASHED_DIR)) return sendProblem(reply, request, 'notFound', `the Lab has no file ${relative}: reload the page (a newer build replaced it)`);
    return sendIndex(reply);
  });
}
