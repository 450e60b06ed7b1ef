#!/usr/bin/env node
// Launcher for the `wallet-similarity` command: registers tsx and runs the TypeScript CLI.
'use strict';
require('tsx/cjs');
require('../src/cli/main.ts').runCli(process.argv.slice(2));
