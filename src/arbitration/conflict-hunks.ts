/**
 * The parts of a conflict a reviewer has to see: the regions where ours and theirs collide
 * (node-diff3's conflict regions against the base), never the whole files. When the edits merge
 * line by line but the merge was refused on other grounds (a validator), the regions where ours
 * and theirs differ stand in. Line numbers are 1-based.
 */
import { diff3Merge, diffIndices } from 'node-diff3';

export interface ConflictHunk {
  oursLine: number;
  ours: string;
  theirsLine: number;
  theirs: string;
  /** Undefined when the hunk comes from comparing ours with theirs alone. */
  baseLine?: number;
  base?: string;
}

interface Diff3Conflict {
  conflict?: { a: string[]; aIndex: number; o: string[]; oIndex: number; b: string[]; bIndex: number };
}

interface TwoWayRegion {
  buffer1: [number, number];
  buffer1Content: string[];
  buffer2: [number, number];
  buffer2Content: string[];
}

const lines = (text: string): string[] => text.split('\n');

export function conflictHunks(base: string, ours: string, theirs: string, maxHunks = 20): ConflictHunk[] {
  const regions = diff3Merge(lines(ours), lines(base), lines(theirs), { excludeFalseConflicts: true }) as Diff3Conflict[];
  const hunks: ConflictHunk[] = regions.flatMap(({ conflict: c }) =>
    c ? [{ oursLine: c.aIndex + 1, ours: c.a.join('\n'), theirsLine: c.bIndex + 1, theirs: c.b.join('\n'), baseLine: c.oIndex + 1, base: c.o.join('\n') }] : [],
  );
  if (hunks.length > 0) return hunks.slice(0, maxHunks);
  const differences = diffIndices(lines(ours), lines(theirs)) as TwoWayRegion[];
  return differences
    .slice(0, maxHunks)
    .map((d) => ({ oursLine: d.buffer1[0] + 1, ours: d.buffer1Content.join('\n'), theirsLine: d.buffer2[0] + 1, theirs: d.buffer2Content.join('\n') }));
}
