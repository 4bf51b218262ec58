/**
 * An agent's task: what one role instance is asked to do in one stage, as structured data. The
 * prompt is rendered from it (src/agents/prompt.ts) and every model request carries it
 * (src/models/provider.ts), so the offline model can write its scaffolding from it.
 */
import type { Plan } from './plan.js';
import type { RequestAnalysis, StageNumber } from './types.js';

export interface ContextFile {
  path: string;
  content: string;
  version: number;
}

/** One line of the workspace map: a path and what it holds or exports (src/engine/context/file-summary.ts). */
export interface MapEntry {
  path: string;
  summary: string;
}

/** A reviewing role's call when its files take several: one part of them, or the merge of the parts' reports. */
export type ReviewPass = { kind: 'part'; part: number; parts: number } | { kind: 'merge'; parts: number };

export interface AgentTask {
  projectId: string;
  projectName: string;
  requirements: string;
  /** What the agents are chosen from: the plan's (`analysisFromPlan`) once the Requirements stage wrote it, the analyser's before. */
  analysis: RequestAnalysis;
  /** The plan (docs/plan.json) as this stage found it; absent in the Requirements stage and in projects without one. */
  plan?: Plan;
  stage: StageNumber;
  agentId: string;
  instanceKey: string;
  subject?: string;
  /** The files this agent sees in full, most relevant first, within the call's token budget. */
  context: ContextFile[];
  /** Every file of the workspace the agent starts from, one line each; absent in tasks made before the map existed. */
  map?: MapEntry[];
  /** Set when a reviewing role's files are judged in several calls. */
  review?: ReviewPass;
  /** Set when the task repairs files a verification found failing: which, and what failed. */
  repair?: RepairRequest;
}

export interface RepairRequest {
  round: number;
  files: string[];
  /** The failing command and the tail of its output. */
  failure: string;
}
