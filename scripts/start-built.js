// `npm run start:worker` / `npm run start:api`: the compiled entry point (build/, from `npm run
// build`) as production runs it, in this process: no TypeScript loader (tsx alone holds about 50 MB
// in each process). Without a build it says so in one line.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ENTRIES = { worker: 'build/worker.js', api: 'build/api/server.js' };
const which = process.argv[2];
const entry = ENTRIES[which];
if (!entry) {
  console.error(`error: usage: node scripts/start-built.js ${Object.keys(ENTRIES).join('|')}`);
  process.exit(2);
}
const file = path.resolve(__dirname, '..', entry);
if (!fs.existsSync(file)) {
  console.error(`error: ${entry} is missing: run npm run build first (it compiles src/ into build/)`);
  process.exit(1);
}
process.env.NODE_ENV ??= 'production';
require(file);
