/**
 * Deterministic job ids: adding the same job twice is a no-op in BullMQ, which makes every
 * enqueue idempotent. BullMQ refuses ':' in custom ids, so the parts are joined with '.'.
 */
const pad = (stage: number): string => String(stage).padStart(2, '0');

export const jobIds = {
  project: (projectId: string, runId: string) => `${projectId}.${runId}`,
  stage: (projectId: string, runId: string, stage: number) => `${projectId}.${runId}.s${pad(stage)}`,
  agent: (projectId: string, runId: string, instanceKey: string) => `${projectId}.${runId}.${instanceKey}`,
  arbitration: (projectId: string, runId: string, conflictId: string) => `${projectId}.${runId}.conflict.${conflictId}`,
  verify: (projectId: string, runId: string) => `${projectId}.${runId}.verify`,
};
