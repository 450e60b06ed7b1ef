// `npm run build:bundle`: pre-builds the workflow bundle for production workers (NODE_ENV=production
// workers load dist/workflow-bundle.js instead of bundling at start).
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { PREBUILT_BUNDLE, WORKFLOWS_PATH } from '../src/temporal/workers';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  fs.mkdirSync(path.dirname(PREBUILT_BUNDLE), { recursive: true });
  fs.writeFileSync(PREBUILT_BUNDLE, code);
  console.log(`wrote ${path.relative(process.cwd(), PREBUILT_BUNDLE)} (${(code.length / 1024).toFixed(0)} KiB)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
