/**
 * The strategy chain for one conflict, in the configured order (ARBITRATION_STRATEGIES):
 *   merge   deterministic 3-way merge (code conflicts; for a resource conflict on a file lock it
 *           retries the deferred write the same way)
 *   gemini, claude, ollama   ask that provider for the resolved file — or, for design and
 *           requirement conflicts, the settled JSON record (./record-proposals.ts) — skipped when
 *           it is not configured; the proposal is validated for its type before it is applied
 *           (a budget conflict skips them: no model can add money)
 *   human   not run here: the caller hands the conflict to a person (needs_review)
 * Each strategy tried leaves an ArbitrationAttempt row. The first that resolves writes the file
 * through the file lock and the artifact store's version check; a file that moved while a model
 * was thinking fails the job (BullMQ retries it against the file as it is then).
 */
import type { Conflict } from '../db/prisma-types.js';
import { analyzeRequestCached } from '../agents/analysis-cache.js';
import type { StageNumber } from '../agents/types.js';
import { createBudgetGuard } from '../economics/project-budget-guard.js';
import type { BudgetDeps, BusDeps, EngineDeps, ModelDeps, StoreDeps, WorkspaceDeps } from '../engine/engine-deps.js';
import { markConflictResolved } from '../engine/conflicts/conflict-rows.js';
import { BudgetExceededError, SpendCapReachedError } from '../errors/app-error.js';
import { PROVIDER_OF, type ArbitrationServices, type LlmStrategyName } from './arbitration-services.js';
import { recordAttempt } from './attempt-log.js';
import { fileProposalRequest, requestProposal, type ProposalRequest } from './llm-proposal.js';
import { validateProposal, type Validation } from './proposal-validator.js';
import { isRecordConflict, recordProposalRequest, validateRecordProposal } from './record-proposals.js';
import { strategyProvider } from './strategy-provider.js';
import { threeWayMerge } from './three-way-merge.js';

export type ChainOutcome = { resolved: true; strategy: string } | { resolved: false; reason: string; details: Record<string, unknown> };

export interface ChainContext {
  stage: number;
  /** Lock owner and budget call-key prefix, unique per job attempt (e.g. `<jobId>#<attempt>`). */
  owner: string;
}

/** Strategy names as recorded on Conflict.strategy (the merge keeps its historical name). */
export const RECORDED_STRATEGY: Readonly<Record<string, string>> = { merge: 'three-way-merge', human: 'manual' };

/** The file moved while a proposal was computed; the job is retried against the current file. */
export class FileMovedError extends Error {
  constructor(path: string) {
    super(`${path} changed while the conflict was being arbitrated; retrying against the current file`);
    this.name = 'FileMovedError';
  }
}

export async function runStrategyChain(deps: StoreDeps & BusDeps & WorkspaceDeps & BudgetDeps & ModelDeps & Pick<EngineDeps, 'logger'>, services: ArbitrationServices, conflict: Conflict, context: ChainContext): Promise<ChainOutcome> {
  const path = conflict.path;
  const reasons: string[] = [];
  let regions: unknown;
  for (const strategy of services.strategies) {
    if (strategy === 'human') break;
    if (strategy === 'merge') {
      // Code: the 3-way merge. A resource conflict on a file is a write deferred when its lock was
      // lost or contended: the same merge against the file as it is now retries it.
      if ((conflict.type !== 'code' && conflict.type !== 'resource') || path === null) continue;
      const recorded = conflict.type === 'resource' ? 'retry' : (RECORDED_STRATEGY.merge ?? strategy);
      const merged = await mergeStrategy(deps, conflict, path, context);
      if (merged.clean) {
        await recordAttempt(deps, services, { conflictId: conflict.id, type: conflict.type, strategy, outcome: 'resolved' });
        await markResolved(deps, services, conflict, recorded, merged.content);
        return { resolved: true, strategy: recorded };
      }
      regions = merged.regions;
      const lines = merged.regions.map((r) => r.baseLine).join(', ');
      reasons.push(`${conflict.raisedBy}'s edit overlaps another change near line ${lines}`);
      await recordAttempt(deps, services, { conflictId: conflict.id, type: conflict.type, strategy, outcome: 'rejected', error: `overlapping edits near line ${lines}` });
      continue;
    }
    const target = path !== null ? await fileTarget(deps, services, conflict, path, context) : isRecordConflict(conflict) ? await recordTarget(deps, services, conflict) : undefined;
    // A budget conflict has no proposal a model could make: the answer is more money (a person).
    if (!target) continue;
    const outcome = await llmStrategy(deps, services, conflict, target, strategy, context);
    if (outcome === 'resolved') return { resolved: true, strategy };
    if (outcome !== 'not_configured') reasons.push(`${strategy}: ${outcome}`);
  }
  const why = reasons.length > 0 ? reasons.join('; ') : 'no automatic strategy applies';
  const subject = path ?? (conflict.topic ? `${conflict.type} ${conflict.topic}` : conflict.type);
  return { resolved: false, reason: `conflict on ${subject}: ${why}; it needs a person to resolve it`, details: { regions, tried: reasons } };
}

async function mergeStrategy(deps: StoreDeps & BusDeps & WorkspaceDeps & BudgetDeps & ModelDeps & Pick<EngineDeps, 'logger'>, conflict: Conflict, path: string, context: ChainContext) {
  return deps.locks.withLock(conflict.projectId, path, context.owner, async (lock) => {
    const current = await deps.artifacts.current(conflict.projectId, path);
    const outcome = threeWayMerge(conflict.base ?? '', current?.content ?? '', conflict.theirs ?? '');
    if (!outcome.clean) return outcome;
    await deps.artifacts.write({
      projectId: conflict.projectId,
      path,
      content: outcome.content,
      baseVersion: current?.version ?? null,
      fenceToken: lock.token,
      author: `arbitrator:three-way-merge:${conflict.id}`,
      stage: context.stage,
    });
    return outcome;
  });
}

/** What an LLM strategy asks for, how its answer is checked, and how it is applied. */
interface ProposalTarget {
  request: ProposalRequest;
  validate(content: string): Promise<Validation & { canonical?: string }>;
  /** Applies the validated content; false when the file moved meanwhile. */
  apply(content: string, strategy: string): Promise<boolean>;
}

async function fileTarget(deps: StoreDeps & BusDeps & WorkspaceDeps & BudgetDeps & ModelDeps & Pick<EngineDeps, 'logger'>, services: ArbitrationServices, conflict: Conflict, path: string, context: ChainContext): Promise<ProposalTarget> {
  const current = await deps.artifacts.current(conflict.projectId, path);
  const ours = current?.content ?? conflict.ours ?? '';
  const theirs = conflict.theirs ?? '';
  return {
    request: fileProposalRequest({ path, base: conflict.base ?? '', ours, theirs, raisedBy: conflict.raisedBy }),
    validate: (content) => validateProposal({ path, content, ours, theirs, maxBytes: services.maxFileBytes }),
    apply: (content, strategy) =>
      deps.locks.withLock(conflict.projectId, path, context.owner, async (lock) => {
        const now = await deps.artifacts.current(conflict.projectId, path);
        if ((now?.version ?? null) !== (current?.version ?? null)) return false;
        await deps.artifacts.write({ projectId: conflict.projectId, path, content, baseVersion: now?.version ?? null, fenceToken: lock.token, author: `arbitrator:${strategy}:${conflict.id}`, stage: context.stage });
        return true;
      }),
  };
}

/** Design and requirement conflicts: the stage writes the settled record from the stored resolution. */
async function recordTarget(deps: StoreDeps & BusDeps & WorkspaceDeps & BudgetDeps & ModelDeps & Pick<EngineDeps, 'logger'>, services: ArbitrationServices, conflict: Conflict): Promise<ProposalTarget> {
  const project = await deps.prisma.project.findUniqueOrThrow({ where: { id: conflict.projectId }, select: { requirements: true } });
  return {
    request: recordProposalRequest(conflict, project.requirements),
    validate: (content) => Promise.resolve(validateRecordProposal(conflict, content, { maxBytes: services.maxFileBytes, fromModel: true })),
    apply: () => Promise.resolve(true),
  };
}

/** `resolved`, `not_configured`, or why it did not resolve. */
async function llmStrategy(deps: StoreDeps & BusDeps & WorkspaceDeps & BudgetDeps & ModelDeps & Pick<EngineDeps, 'logger'>, services: ArbitrationServices, conflict: Conflict, target: ProposalTarget, strategy: LlmStrategyName, context: ChainContext): Promise<string> {
  const providerName = PROVIDER_OF[strategy];
  const project = await deps.prisma.project.findUniqueOrThrow({ where: { id: conflict.projectId }, select: { name: true, requirements: true, ownerId: true } });
  const provider = await strategyProvider(deps, services, providerName, project.ownerId);
  const model = services.models.get(providerName);
  if (!provider || !model) return 'not_configured';
  const budget = createBudgetGuard({
    prisma: deps.prisma,
    sql: deps.sql,
    redis: deps.redis,
    namespace: deps.namespace,
    projectId: conflict.projectId,
    userId: project.ownerId,
    callKeyPrefix: `${context.owner}:${strategy}`,
    events: deps.events,
    prices: deps.prices,
    spendCap: deps.spendCap,
    logger: deps.logger,
  });
  const base = { conflictId: conflict.id, type: conflict.type, strategy, provider: providerName, model };
  let proposal;
  try {
    proposal = await requestProposal(target.request, {
      provider,
      model,
      maxOutputTokens: services.maxOutputTokens,
      budget,
      task: {
        projectId: conflict.projectId,
        projectName: project.name,
        requirements: project.requirements,
        analysis: analyzeRequestCached(project.requirements),
        stage: context.stage as StageNumber,
        agentId: 'arbitrator',
        instanceKey: `arbitrator:${conflict.id}`,
        context: [],
      },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await recordAttempt(deps, services, { ...base, outcome: error instanceof BudgetExceededError ? 'skipped' : 'failed', error: message });
    deps.logger.warn('arbitration strategy failed', { conflictId: conflict.id, strategy, error: message });
    return error instanceof SpendCapReachedError ? "the account's monthly spending cap refused the call" : error instanceof BudgetExceededError ? 'the budget refused the call' : `the call failed (${message})`;
  }
  const usage = { inputTokens: proposal.result.usage.inputTokens, outputTokens: proposal.result.usage.outputTokens, costMicros: proposal.costMicros, model: proposal.result.model || model };
  const validation = proposal.result.stopReason === 'max_tokens' ? { ok: false as const, reason: 'the answer was cut off' } : await target.validate(proposal.content);
  if (!validation.ok) {
    await recordAttempt(deps, services, { ...base, ...usage, outcome: 'rejected', error: validation.reason });
    return `proposal rejected (${validation.reason})`;
  }
  const content = validation.canonical ?? proposal.content;
  if (!(await target.apply(content, strategy))) {
    await recordAttempt(deps, services, { ...base, ...usage, outcome: 'failed', error: 'the file changed while the model answered' });
    throw new FileMovedError(conflict.path ?? '');
  }
  await recordAttempt(deps, services, { ...base, ...usage, outcome: 'resolved' });
  await markResolved(deps, services, conflict, strategy, content);
  return 'resolved';
}

export async function markResolved(deps: StoreDeps & BusDeps & WorkspaceDeps & BudgetDeps & ModelDeps & Pick<EngineDeps, 'logger'>, services: ArbitrationServices, conflict: Conflict, strategy: string, resolution: string): Promise<void> {
  await markConflictResolved(deps.sql, conflict.id, strategy, resolution);
  services.metrics?.resolutions.inc({ strategy, type: conflict.type });
  await deps.events.publish({ type: 'conflict.resolved', projectId: conflict.projectId, data: { conflictId: conflict.id, path: conflict.path, strategy } });
}
