import { clusterChanges, walletChanges, type ClusterSide } from './changes';

const c = (members: string, confidence = 0.5): ClusterSide => ({ members: members.split(''), confidence });

describe('walletChanges', () => {
  it('the wallets each analysis analysed: added, removed, and how many both compared', () => {
    expect(walletChanges(['a', 'b', 'c'], ['d', 'c', 'b'])).toEqual({ added: ['d'], removed: ['a'], compared: 2 });
    expect(walletChanges(['a'], ['a'])).toEqual({ added: [], removed: [], compared: 1 });
  });
});

describe('clusterChanges', () => {
  it('the same clusters: unchanged, with the later confidence', () => {
    expect(clusterChanges([c('ab', 0.4), c('cd')], [c('dc'), c('ba', 0.7)])).toEqual({
      changed: [],
      unchanged: [c('cd'), c('ab', 0.7)],
      formed: [],
      dissolved: [],
    });
  });

  it('members that joined and left a cluster matched by the members it kept; the most moved first', () => {
    const changes = clusterChanges([c('abc', 0.4), c('xy', 0.5)], [c('xyz', 0.6), c('abd', 0.8)]);
    expect(changes.changed).toEqual([
      { before: c('abc', 0.4), after: c('abd', 0.8), joined: ['d'], left: ['c'] },
      { before: c('xy', 0.5), after: c('xyz', 0.6), joined: ['z'], left: [] },
    ]);
    expect(changes).toMatchObject({ unchanged: [], formed: [], dissolved: [] });
  });

  it('a split: the larger part keeps the match, the other formed; a merge: the larger changed, the other dissolved', () => {
    expect(clusterChanges([c('abcde')], [c('de'), c('abc')])).toEqual({
      changed: [{ before: c('abcde'), after: c('abc'), joined: [], left: ['d', 'e'] }],
      unchanged: [],
      formed: [c('de')],
      dissolved: [],
    });
    expect(clusterChanges([c('ab'), c('cde')], [c('abcde')])).toEqual({
      changed: [{ before: c('cde'), after: c('abcde'), joined: ['a', 'b'], left: [] }],
      unchanged: [],
      formed: [],
      dissolved: [c('ab')],
    });
  });

  it('clusters that share no member: one formed, one dissolved; ties go to the earlier, stronger cluster', () => {
    expect(clusterChanges([c('ab')], [c('cd')])).toEqual({ changed: [], unchanged: [], formed: [c('cd')], dissolved: [c('ab')] });
    // 'xyab' shares two members with each earlier cluster: the first (strongest) one is its match
    const tie = clusterChanges([c('xy'), c('ab')], [c('xyab')]);
    expect(tie.changed).toEqual([{ before: c('xy'), after: c('abxy'), joined: ['a', 'b'], left: [] }]);
    expect(tie.dissolved).toEqual([c('ab')]);
  });

  it('no clusters on either side', () => {
    expect(clusterChanges([], [])).toEqual({ changed: [], unchanged: [], formed: [], dissolved: [] });
    expect(clusterChanges([], [c('ab')]).formed).toEqual([c('ab')]);
  });
});
