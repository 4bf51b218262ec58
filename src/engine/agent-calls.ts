/**
 * The model calls of one agent job. Most roles make one call. A reviewing role whose files do not
 * fit one call (src/engine/context/context-plan.ts) makes one call per batch of files, then one
 * more that merges the parts' reports into the role's one report; each call goes through the
 * router, so each reserves and settles against the project's budget on its own. When the parts'
 * reports are themselves too big to merge in one call, they are joined part after part instead.
 */
import { UnrecoverableError } from 'bullmq';
import { renderPrompt, renderSystemPrompt, type PromptReuse } from '../agents/prompt.js';
import { blocksText } from '../models/provider.js';
import { AGENT_OUTPUT_CONTRACT, parseAgentOutput, type AgentOutput } from '../agents/output.js';
import type { AgentTask, ContextFile } from '../agents/agent-task.js';
import type { AgentRole } from '../agents/types.js';
import type { BudgetGuard } from '../models/budget-guard.js';
import type { ModelSwitch } from '../models/model-router.js';
import type { ProviderCredentials } from '../models/credentials/provider-credentials.js';
import { contentBudget, ContextWindowTooSmallError } from './context/context-budget.js';
import { fileOverheadTokens, planContext, workspaceMap } from './context/context-plan.js';
import { loadTokenCounter, type TokenCounter } from './context/token-counter.js';
import type { EngineDeps, ModelDeps, WorkspaceDeps } from './engine-deps.js';
import type { StageSnapshot } from './workspace/stage-snapshot-cache.js';

export interface AgentAnswer {
  output: AgentOutput;
  provider: string;
  model: string;
  usage: { inputTokens: number; outputTokens: number };
  switches: ModelSwitch[];
  /** How many model calls the answer took (parts and merge included). */
  calls: number;
}

export interface AgentCallInput {
  /** The role as the catalogue has it (its reads and tier). */
  role: AgentRole;
  /** The role as this request's layout has it (its write paths and system prompt). */
  laidOut: AgentRole;
  /** The task without its context; the map and files are added here. */
  task: AgentTask;
  snapshot: StageSnapshot;
  /** Paths changed since this instance's last run. */
  changed?: ReadonlySet<string>;
  /** Which prompt prefixes other calls of the stage share (where cache breakpoints pay). */
  reuse?: PromptReuse;
  budget: BudgetGuard;
  credentials?: ProviderCredentials;
}

type CallDeps = ModelDeps & Pick<WorkspaceDeps, 'fileFacts'> & Pick<EngineDeps, 'limits' | 'logger'>;

export async function answerAgentTask(deps: CallDeps, input: AgentCallInput): Promise<AgentAnswer> {
  const { role, laidOut, task } = input;
  const counter = await loadTokenCounter();
  const reviews = role.reviews === true;
  const map = workspaceMap(planInput(deps, input, counter, reviews));
  const budgetFor = (frame: AgentTask): number => {
    try {
      // The files go in the system prompt (src/agents/prompt.ts): the frame is the prompt without them.
      const frameTokens = counter.count(blocksText(renderSystemPrompt(laidOut, frame))) + counter.count(blocksText(renderPrompt(frame)));
      return contentBudget({ windowTokens: deps.limits.contextWindow(role.tier), systemTokens: 0, frameTokens, maxOutputTokens: role.maxOutputTokens });
    } catch (error) {
      // A bigger window is configuration, not something a retry fixes.
      if (error instanceof ContextWindowTooSmallError) throw new UnrecoverableError(error.message);
      throw error;
    }
  };
  const budgetTokens = budgetFor({ ...task, map, context: [], review: reviews ? { kind: 'part', part: 1, parts: 1 } : undefined });
  const plan = planContext({ ...planInput(deps, input, counter, reviews), budgetTokens });
  deps.logger.debug('agent context', { instanceKey: task.instanceKey, files: plan.batches.reduce((n, batch) => n + batch.length, 0), mapped: map.length, left: plan.left.length, calls: plan.batches.length, budgetTokens });

  const calls = new ModelCalls(deps, input);
  if (plan.batches.length === 1) return calls.finish(await calls.call({ ...task, map, context: plan.batches[0] ?? [] }));

  const parts = plan.batches.length;
  const reports: ContextFile[] = [];
  const outputs: AgentOutput[] = [];
  for (const [index, batch] of plan.batches.entries()) {
    const output = await calls.call({ ...task, map, context: batch, review: { kind: 'part', part: index + 1, parts } });
    outputs.push(output);
    reports.push(...output.files.map((file) => ({ path: `${file.path} (part ${index + 1} of ${parts})`, version: 0, content: file.content })));
  }
  const mergeTask: AgentTask = { ...task, map, context: reports, review: { kind: 'merge', parts } };
  const mergeTokens = reports.reduce((sum, report) => sum + counter.count(report.content) + fileOverheadTokens(report.path), 0);
  if (mergeTokens <= budgetFor({ ...mergeTask, context: [] })) return calls.finish(await calls.call(mergeTask));
  deps.logger.warn('review parts too big to merge in one call: joined', { instanceKey: task.instanceKey, parts, mergeTokens });
  return calls.finish(joinParts(outputs));
}

function planInput(deps: CallDeps, input: AgentCallInput, counter: TokenCounter, reviews: boolean) {
  return {
    projectId: input.task.projectId,
    snapshot: input.snapshot,
    reads: input.role.reads,
    writes: input.laidOut.writes,
    repairing: input.task.repair?.files ?? [],
    changed: input.changed,
    reviews,
    counter,
    facts: deps.fileFacts,
  };
}

/** The parts' files, each path's contents one after the other under a heading per part. */
export function joinParts(outputs: readonly AgentOutput[]): AgentOutput {
  const joined = new Map<string, string[]>();
  for (const [index, output] of outputs.entries()) {
    for (const file of output.files) joined.set(file.path, [...(joined.get(file.path) ?? []), `<!-- part ${index + 1} of ${outputs.length} -->\n${file.content}`]);
  }
  return {
    summary: outputs.map((output) => output.summary).filter((summary) => summary !== '').join(' '),
    files: [...joined].map(([path, contents]) => ({ path, content: contents.join('\n\n') })),
  };
}

/** The calls of one job: each through the router, their usage and switches added up. */
class ModelCalls {
  private readonly usage = { inputTokens: 0, outputTokens: 0 };
  private readonly switches: ModelSwitch[] = [];
  private provider = '';
  private model = '';
  private count = 0;

  constructor(
    private readonly deps: CallDeps,
    private readonly input: AgentCallInput,
  ) {}

  async call(task: AgentTask): Promise<AgentOutput> {
    const { role } = this.input;
    const completion = await this.deps.models.complete({
      tier: role.tier,
      system: renderSystemPrompt(this.input.laidOut, task, this.input.reuse),
      prompt: renderPrompt(task),
      maxOutputTokens: role.maxOutputTokens,
      output: AGENT_OUTPUT_CONTRACT,
      task,
      budget: this.input.budget,
      credentials: this.input.credentials,
    });
    this.count += 1;
    this.usage.inputTokens += completion.usage.inputTokens;
    this.usage.outputTokens += completion.usage.outputTokens;
    this.switches.push(...completion.switches);
    this.provider = completion.provider;
    this.model = completion.model;
    if (completion.stopReason === 'max_tokens') throw new Error(`the model's answer was cut off at ${role.maxOutputTokens} tokens`);
    return parseAgentOutput(completion.text);
  }

  finish(output: AgentOutput): AgentAnswer {
    return { output, provider: this.provider, model: this.model, usage: { ...this.usage }, switches: this.switches, calls: this.count };
  }
}
