/**
 * Deterministic line-based 3-way merge (node-diff3), the first arbitration strategy.
 * `ours` is the file as it is now, `theirs` the colliding agent's edit, `base` the version both
 * started from. Identical changes on both sides are not conflicts.
 */
import { diff3Merge } from 'node-diff3';

export type MergeOutcome =
  | { clean: true; content: string }
  | { clean: false; regions: { oursLine: number; theirsLine: number; baseLine: number }[] };

const lines = (text: string): string[] => text.split('\n');

export function threeWayMerge(base: string, ours: string, theirs: string): MergeOutcome {
  if (ours === theirs) return { clean: true, content: ours };
  const regions = diff3Merge(lines(ours), lines(base), lines(theirs), { excludeFalseConflicts: true });
  const merged: string[] = [];
  const conflicts: { oursLine: number; theirsLine: number; baseLine: number }[] = [];
  for (const region of regions) {
    if (region.ok) merged.push(...region.ok);
    else if (region.conflict) {
      conflicts.push({ oursLine: region.conflict.aIndex + 1, theirsLine: region.conflict.bIndex + 1, baseLine: region.conflict.oIndex + 1 });
    }
  }
  return conflicts.length === 0 ? { clean: true, content: merged.join('\n') } : { clean: false, regions: conflicts };
}
