/**
 * Requirement conflicts: contradictions the requirements agents flag in the request
 * (src/agents/structured-records.ts). One dispute per topic, however many agents flag it; its
 * first two statements are ours and theirs. The settled record states the requirement that holds.
 */
import { contradictionRecordSchema, parseJsonAs, requirementSchema, type Requirement } from '../../agents/structured-records.js';
import type { Logger } from '../../logging/logger.js';
import type { Dispute, RecordFile } from './dispute.js';

export function requirementDisputes(files: readonly RecordFile[], logger: Logger): Dispute[] {
  const byTopic = new Map<string, Dispute>();
  for (const file of files) {
    const parsed = parseJsonAs(contradictionRecordSchema, file.content);
    if (!parsed.ok) {
      logger.warn('contradictions record ignored', { path: file.path, reason: parsed.reason });
      continue;
    }
    for (const { topic, statements } of parsed.value.contradictions) {
      const flaggedBy = byTopic.get(topic)?.details.flaggedBy as string[] | undefined;
      if (flaggedBy) {
        flaggedBy.push(file.agent);
        continue;
      }
      const side = (requirement: string): Requirement => ({ topic, requirement });
      byTopic.set(topic, { topic, raisedBy: file.agent, ours: side(statements[0] ?? ''), theirs: side(statements[1] ?? ''), details: { statements, flaggedBy: [file.agent] } });
    }
  }
  return [...byTopic.values()];
}

/** The requirements as arbitration settled them; undefined when nothing was flagged. */
export function settledRequirements(files: readonly RecordFile[], resolutions: ReadonlyMap<string, { resolution: string; strategy: string }>, logger: Logger): Record<string, unknown> | undefined {
  const clarifications: Record<string, { requirement: string; reason: string; decidedBy: string }> = {};
  for (const dispute of requirementDisputes(files, logger)) {
    const settled = resolutions.get(dispute.topic);
    const resolved = settled ? parseJsonAs(requirementSchema, settled.resolution) : undefined;
    if (resolved?.ok) clarifications[dispute.topic] = { requirement: resolved.value.requirement, reason: resolved.value.reason ?? '', decidedBy: `arbitration:${settled?.strategy ?? 'unknown'}` };
  }
  return Object.keys(clarifications).length === 0 ? undefined : { clarifications };
}
