// Recorded workflow histories for replay tests: test/histories/<name>.json holds
// { workflowId, workflowType, history } with the history in Temporal's JSON form.
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');

export interface RecordedHistory {
  name: string;
  workflowId: string;
  workflowType: string;
  history: temporal.api.history.v1.IHistory;
}

/** `historyJson`: the output of `temporal workflow show --output json` (Temporal's JSON form). */
export function saveHistory(name: string, workflowId: string, workflowType: string, historyJson: string): void {
  const body = { workflowId, workflowType, history: JSON.parse(historyJson) };
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), JSON.stringify(body, null, 1) + '\n');
}

export function loadHistories(): RecordedHistory[] {
  if (!fs.existsSync(HISTORIES_DIR)) return [];
  return fs
    .readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const body = JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8'));
      return { name: file.replace(/\.json$/, ''), workflowId: body.workflowId, workflowType: body.workflowType, history: historyFromJSON(body.history) };
    });
}
