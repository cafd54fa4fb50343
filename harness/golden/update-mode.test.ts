import type { UpdateAction, UpdateMode } from './types';
import { countOutcome, decideUpdateAction, updateModeOf, type JestSnapshotState } from './update-mode';

describe('decideUpdateAction: mode × golden exists × matches', () => {
  test.each<[UpdateMode, boolean, boolean, UpdateAction]>([
    ['all', false, false, 'write-new'],
    ['all', true, true, 'pass'], // -u never rewrites a golden that still matches
    ['all', true, false, 'overwrite'],
    ['new', false, false, 'write-new'],
    ['new', true, true, 'pass'],
    ['new', true, false, 'fail-mismatch'],
    ['none', false, false, 'fail-missing'],
    ['none', true, true, 'pass'],
    ['none', true, false, 'fail-mismatch'],
  ])('%s, exists %p, matches %p → %s', (mode, exists, matches, action) => {
    expect(decideUpdateAction(mode, exists, matches)).toBe(action);
  });
});

describe('updateModeOf', () => {
  test("jest's snapshot state decides", () => {
    expect(updateModeOf({ _updateSnapshot: 'all' }, { CI: 'true' })).toBe('all');
    expect(updateModeOf({ _updateSnapshot: 'none' }, {})).toBe('none');
  });

  test('outside jest, $CI decides as jest would', () => {
    expect(updateModeOf(undefined, { CI: 'true' })).toBe('none');
    expect(updateModeOf(undefined, { CI: 'false' })).toBe('new');
    expect(updateModeOf(undefined, {})).toBe('new');
  });
});

test("outcomes are counted into jest's snapshot summary", () => {
  const state: Partial<JestSnapshotState> = { added: 0, updated: 0, matched: 0, unmatched: 0 };
  for (const action of ['pass', 'write-new', 'overwrite', 'fail-mismatch', 'fail-missing', 'pass'] as const) countOutcome(state, action);
  expect(state).toEqual({ added: 1, updated: 1, matched: 2, unmatched: 2 });
  expect(() => countOutcome(undefined, 'pass')).not.toThrow();
});
