/**
 * Design conflicts: the architecture agents' decisions records (src/agents/structured-records.ts)
 * choosing differently for one topic. One dispute per topic; the first two distinct choices (in
 * the records' path order) are ours and theirs, every candidate is kept in the details. The
 * settled record holds each topic's agreed choice, or the one arbitration took.
 */
import { decisionRecordSchema, decisionSchema, parseJsonAs, type Decision } from '../../agents/structured-records.js';
import type { Logger } from '../../logging/logger.js';
import type { Dispute, RecordFile } from './dispute.js';

interface Declared {
  agent: string;
  choice: string;
  reason: string;
}

/** topic → what each agent declared, from the well-formed records. */
function declarations(files: readonly RecordFile[], logger: Logger): Map<string, Declared[]> {
  const byTopic = new Map<string, Declared[]>();
  for (const file of files) {
    const parsed = parseJsonAs(decisionRecordSchema, file.content);
    if (!parsed.ok) {
      logger.warn('decisions record ignored', { path: file.path, reason: parsed.reason });
      continue;
    }
    for (const [topic, decision] of Object.entries(parsed.value.decisions)) {
      const list = byTopic.get(topic) ?? [];
      list.push({ agent: file.agent, choice: decision.choice.trim().toLowerCase(), reason: decision.reason });
      byTopic.set(topic, list);
    }
  }
  return byTopic;
}

export function designDisputes(files: readonly RecordFile[], logger: Logger): Dispute[] {
  const disputes: Dispute[] = [];
  for (const [topic, declared] of declarations(files, logger)) {
    const distinct = [...new Map(declared.map((d) => [d.choice, d])).values()];
    const [ours, theirs] = distinct;
    if (!ours || !theirs) continue;
    const side = (d: Declared): Decision => ({ topic, choice: d.choice, reason: d.reason, agent: d.agent });
    disputes.push({ topic, raisedBy: theirs.agent, ours: side(ours), theirs: side(theirs), details: { candidates: declared } });
  }
  return disputes;
}

/** The stage's settled decisions: agreed topics, and disputed ones as arbitration decided them. */
export function settledDecisions(files: readonly RecordFile[], resolutions: ReadonlyMap<string, { resolution: string; strategy: string }>, logger: Logger): Record<string, unknown> {
  const decisions: Record<string, { choice: string; reason: string; decidedBy: string; agents: string[] }> = {};
  for (const [topic, declared] of declarations(files, logger)) {
    const agents = declared.map((d) => d.agent);
    const settled = resolutions.get(topic);
    const resolved = settled ? parseJsonAs(decisionSchema, settled.resolution) : undefined;
    if (resolved?.ok) decisions[topic] = { choice: resolved.value.choice, reason: resolved.value.reason ?? '', decidedBy: `arbitration:${settled?.strategy ?? 'unknown'}`, agents };
    else if (declared.every((d) => d.choice === declared[0]?.choice)) decisions[topic] = { choice: declared[0]?.choice ?? '', reason: declared[0]?.reason ?? '', decidedBy: 'agreement', agents };
  }
  return { decisions };
}
