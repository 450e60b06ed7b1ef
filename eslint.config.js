// Flat config: typescript-eslint with type information, the Temporal sandbox rules for workflow
// code (as temporalio/samples-typescript configures them), and the import directions between the
// rooms of the code that docs/code-map.md states.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const { builtinModules } = require('node:module');
const { createNodeResolver, importX } = require('eslint-plugin-import-x');

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

// docs/code-map.md: each room of src/ and the rooms it may import (shared = the modules directly in src/).
const ROOMS = ['domain', 'providers', 'store', 'activities', 'workflows', 'temporal', 'api', 'cli', 'simulator'];
const MAY_IMPORT = {
  domain: [],
  providers: ['domain', 'shared'],
  store: ['domain', 'providers', 'shared'],
  activities: ['domain', 'providers', 'store', 'shared'],
  // type-only for activities, domain, providers and store: the no-restricted-imports rule below
  workflows: ['activities', 'domain', 'providers', 'store', 'pure shared'],
  temporal: ['workflows', 'activities', 'providers', 'shared'],
  api: ['store', 'temporal', 'workflows', 'providers', 'domain', 'shared'],
  // type-only for api, workflows and domain: the no-restricted-imports rule below
  cli: ['api', 'workflows', 'domain', 'shared'],
  simulator: ['domain', 'providers', 'shared'],
};
/**
 * The contract between rooms, open to every room but the domain: what workflows and their callers
 * agree on (src/workflows/contract.ts) and the API's schemas with their derived types (src/api/schemas).
 * Both are pure data; workflows import the schemas as types only (the no-restricted-imports rule below).
 */
const CONTRACT = { workflows: ['./contract.ts'], api: ['./schemas'] };
/** Shared modules with no I/O at import, fit for the workflow sandbox. */
const PURE_SHARED = '**/src/@(errors|redact|canonical-json).ts';
/** Test code that lives beside the code it tests: it may import what test/ may. */
const TEST_CODE = ['src/**/*.test.ts', 'src/domain/testing/**'];
const NOT_FROM_SRC = { from: ['./test', './scripts', './bench'], message: 'src/ never imports tests, scripts or benchmarks (docs/code-map.md).' };

function roomZones(room) {
  const allowed = MAY_IMPORT[room];
  const zones = [NOT_FROM_SRC];
  const forbidden = ROOMS.filter((r) => r !== room && !allowed.includes(r));
  const message = `src/${room} may import ${allowed.join(', ') || 'nothing outside itself'}${room === 'domain' ? '' : ', and the contract (workflows/contract.ts, api/schemas)'} (docs/code-map.md).`;
  for (const r of forbidden) zones.push({ from: `./src/${r}`, ...(room !== 'domain' && CONTRACT[r] ? { except: CONTRACT[r] } : {}), message });
  if (!allowed.includes('shared')) {
    zones.push({ from: 'src/*.ts', except: allowed.includes('pure shared') ? [PURE_SHARED] : [], message: `src/${room} may import ${allowed.includes('pure shared') ? 'only the pure shared modules (errors, redact, canonical-json)' : 'no shared module'} (docs/code-map.md).` });
  }
  return zones.map((z) => ({ target: `./src/${room}`, ...z }));
}

const roomRules = ROOMS.map((room) => ({
  files: [`src/${room}/**/*.ts`],
  ignores: TEST_CODE,
  rules: { 'import-x/no-restricted-paths': ['error', { basePath: __dirname, zones: roomZones(room) }] },
}));

module.exports = tseslint.config(
  { ignores: ['web/dist/**', 'dist/**', 'node_modules/**', '.tools/**', '.data/**', 'coverage/**', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: __dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      'no-console': 'off',
    },
  },
  {
    // the Similarity Lab (web/): type-aware like the rest, and it reaches the service only over HTTP
    files: ['web/**/*.ts', 'web/**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+(src|test|scripts|bench)(/|$)', message: 'The Lab talks to the API over HTTP; its types come from web/src/api/schema.d.ts (npm run api:types), never from src/.' }] }],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'] })] },
  },
  {
    // shared modules and the composition roots (worker.ts, wiring.ts)
    files: ['src/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: __dirname,
          zones: [
            { target: './src', ...NOT_FROM_SRC },
            { target: './src', from: ['./src/api', './src/cli', './src/simulator'], message: 'shared modules and the worker import neither the API, the CLI nor the simulator (docs/code-map.md).' },
          ],
        },
      ],
    },
  },
  ...roomRules,
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/workflows/**', '**/domain/**', '**/domain'], allowTypeImports: true, message: 'The CLI talks to the API over HTTP: it imports the workflows and domain as types only (import type).' },
          // the API's schemas are pure data the CLI may use (its enums); the rest of the API as types only
          { regex: '(^|/)api(/(?!schemas/)|$)', allowTypeImports: true, message: 'The CLI talks to the API over HTTP: it imports the API (but its schemas) as types only (import type).' }] },
      ],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...nodeBuiltins.filter((m) => !['assert', 'url', 'util'].includes(m)),
            '@temporalio/activity',
            '@temporalio/client',
            '@temporalio/worker',
            '@temporalio/testing',
            'pg',
            'ioredis',
            'undici',
            'fastify',
          ],
          patterns: [
            { group: ['**/activities/**', '**/activities', '**/providers/**', '**/providers', '**/store/**', '**/domain/**', '**/domain', '**/api/**'], allowTypeImports: true, message: 'Workflows import activities, I/O code, the domain and the API schemas as types only (import type).' },
          ],
        },
      ],
    },
  },
);
