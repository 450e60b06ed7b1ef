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

describe('olderEngine than another version', () => {
  it.each([
    ['2.19.0', '2.20.0', true],
    ['2.20.0', '2.20.0', false],
    ['2.21.0', '2.20.0', false],
    ['nonsense', '2.20.0', true],
    // no version to be older than: nothing is
    ['2.19.0', 'nonsense', false],
  ])('%j is older than %j: %s', (version, than, older) => {
    expect(olderEngine(version, than)).toBe(older);
  });
});
