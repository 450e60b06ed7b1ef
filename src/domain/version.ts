import { valid, lt } from 'semver';

/** Version of the analytics rules; stored with every result so numbers can be traced to rules. */
export const ENGINE_VERSION = '2.20.0';

/**
 * Whether figures stored with `version` follow older rules than this engine's (or than `than`'s): a
 * version that is no semantic version (none of ours) counts as older; a newer one (stored by a newer
 * worker during a rolling deploy) does not; nothing is older than a `than` that is no version.
 */
export function olderEngine(version: string, than: string = ENGINE_VERSION): boolean {
  if (valid(than) === null) return false;
  return valid(version) === null || lt(version, than);
}
