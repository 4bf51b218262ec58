/**
 * What the failover tests compare between a disturbed and an undisturbed run of the same request:
 * how each project ended, the files it produced (path → sha256) and the ledger entries charged per
 * agent instance (a model call charged twice shows up as one more entry for that agent).
 */
import { MANIFEST_PATH } from '../../../src/engine/project-finisher.js';
import type { Harness } from '../../support/engine-harness.js';
import { waitFor } from '../../support/wait-for.js';

const ENDED = ['completed', 'failed', 'cancelled', 'budget_exhausted', 'verification_failed', 'needs_review'];

export interface ProjectOutcome {
  status: string;
  failureReason: string | null;
  /** `path sha256`, sorted; the manifest apart (it names the project and its run). */
  artifacts: string[];
  /** zekka-manifest.json without projectId and runId: every file's version and hash, the run's totals. */
  manifest: unknown;
  /** instanceKey → ledger entries charged to that agent's run. */
  chargesPerAgent: Record<string, number>;
  agentRuns: number;
}

/** Polls PostgreSQL (not the event stream, which the outage may interrupt) until every project has ended. */
export async function waitUntilEnded(h: Harness, projectIds: string[], timeoutMs: number): Promise<void> {
  await waitFor(
    `${projectIds.length} project(s) to end`,
    async (note) => {
      const rows = await h.deps.prisma.project.findMany({ where: { id: { in: projectIds } }, select: { id: true, status: true, currentStage: true } });
      note(rows.map((r) => `${r.status}@${r.currentStage ?? '-'}`));
      return rows.length === projectIds.length && rows.every((r) => ENDED.includes(r.status));
    },
    { timeoutMs, intervalMs: 250 },
  );
}

export async function outcomeOf(h: Harness, projectId: string): Promise<ProjectOutcome> {
  const prisma = h.deps.prisma;
  const project = await prisma.project.findUniqueOrThrow({ where: { id: projectId }, select: { status: true, failureReason: true } });
  const artifacts = await prisma.artifact.findMany({ where: { projectId }, select: { path: true, sha256: true, currentVersion: true, id: true } });
  const manifestRow = artifacts.find((a) => a.path === MANIFEST_PATH);
  const manifestVersion = manifestRow ? await prisma.artifactVersion.findFirst({ where: { artifactId: manifestRow.id, version: manifestRow.currentVersion }, select: { content: true } }) : null;
  const manifest = manifestVersion ? (JSON.parse(manifestVersion.content) as Record<string, unknown>) : undefined;
  if (manifest) {
    delete manifest.projectId;
    delete manifest.runId;
  }
  const runs = await prisma.agentRun.findMany({ where: { projectId }, select: { instanceKey: true, _count: { select: { costEntries: true } } } });
  return {
    status: project.status,
    failureReason: project.failureReason,
    artifacts: artifacts.filter((a) => a.path !== MANIFEST_PATH).map((a) => `${a.path} ${a.sha256}`).sort(),
    manifest,
    chargesPerAgent: Object.fromEntries(runs.map((r): [string, number] => [r.instanceKey, r._count.costEntries]).sort(([a], [b]) => a.localeCompare(b))),
    agentRuns: runs.length,
  };
}
