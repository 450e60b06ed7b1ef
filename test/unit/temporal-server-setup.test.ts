import { dynamicConfigYaml } from '../../scripts/temporal-server/setup';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../../src/temporal/dev-server';

describe('the production-shaped server\'s dynamic config', () => {
  it('carries the dev server\'s switches, typed, without its one partition per task queue', () => {
    expect(dynamicConfigYaml({ 'matching.useNewMatcher': 'true', 'matching.numTaskqueueReadPartitions': '1', 'matching.numTaskqueueWritePartitions': '1', 'limit.blobSize.warn': '524288', 'some.mode': 'fast' })).toBe(
      [
        '# Written by scripts/temporal-server.sh from DEV_SERVER_DYNAMIC_CONFIG (src/temporal/dev-server.ts).',
        'matching.useNewMatcher:',
        '  - value: true',
        'limit.blobSize.warn:',
        '  - value: 524288',
        'some.mode:',
        '  - value: "fast"',
        '',
      ].join('\n'),
    );
  });

  it('turns on task-queue priority, as the dev server does', () => {
    expect(dynamicConfigYaml(DEV_SERVER_DYNAMIC_CONFIG)).toContain('matching.useNewMatcher:\n  - value: true\n');
  });
});
