import { ENGINE_VERSION, olderEngine } from './version';

describe('olderEngine', () => {
  const [major, minor, patch] = ENGINE_VERSION.split('.').map(Number);
  it.each([
    [`${major}.${minor - 1}.9`, true],
    [`${major}.${minor}.${patch}`, false],
    [`${major}.${minor}.${patch + 1}`, false],
    [`${major}.${minor + 1}.0`, false],
    [`${major - 1}.99.99`, true],
    // numerically, not as text: 2.9 is older than 2.19
    [`${major}.9.0`, minor > 9],
    ['1.x', true],
    ['', true],
  ])('%j follows older rules than this engine: %s', (version, older) => {
    expect(olderEngine(version)).toBe(older);
  });
});
