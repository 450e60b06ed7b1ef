// The last line of defence of the worker and API processes: an error of a lost PostgreSQL or Redis
// connection that escapes every handler is logged and survived; any other uncaught error still
// ends the process. Each case runs in a child process of its own.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

function run(body: string): { status: number | null; output: string } {
  const script = `
    const { EventEmitter } = require('node:events');
    const { createLogger } = require('./src/logger');
    const { guardProcess } = require('./src/process-guard');
    guardProcess(createLogger('info', 'test'));
    ${body}
    setTimeout(() => { console.log('still running'); process.exit(0); }, 200);
  `;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('guardProcess', () => {
  it("survives an unhandled 'error' event of a lost connection (read ECONNRESET)", () => {
    const r = run(`setTimeout(() => new EventEmitter().emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), 10);`);
    expect(r.output).toContain('still running');
    expect(r.output).toContain('read ECONNRESET');
    expect(r.status).toBe(0);
  });

  it('survives an unhandled rejection of a terminated PostgreSQL session (57P01)', () => {
    const r = run(`Promise.reject(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));`);
    expect(r.output).toContain('still running');
    expect(r.status).toBe(0);
  });

  it("survives the retry of an abandoned Temporal call after its connection closed ('Channel has been shut down')", () => {
    const r = run(`setTimeout(() => { throw new Error('Channel has been shut down'); }, 10);`);
    expect(r.output).toContain('still running');
    expect(r.output).toContain('Temporal connection closed');
    expect(r.status).toBe(0);
  });

  it('exits with status 1, logged, on any other uncaught error', () => {
    const r = run(`setTimeout(() => { throw new TypeError('a bug'); }, 10);`);
    expect(r.output).not.toContain('still running');
    expect(r.output).toContain('a bug');
    expect(r.status).toBe(1);
  });
});
