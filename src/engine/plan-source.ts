/**
 * Where a stage's agents are chosen from. Stage 1 (Requirements) has only the request: the
 * deterministic analyser decides. Every later stage reads the plan the Requirements stage wrote
 * (`docs/plan.json`, src/agents/plan.ts) as the workspace holds it when the stage starts — the
 * model's plan, or the one a person edited while the project waited for plan review.
 *
 * A workspace without a plan (a project whose Requirements stage ran before plans existed, or
 * whose Requirements Parser was excluded) falls back to the analyser. A plan that is present but
 * invalid is an error naming the field: choosing agents from a guess would hide it.
 */
import { analyzeRequestCached } from '../agents/analysis-cache.js';
import { analysisFromPlan, parsePlanText, PLAN_PATH, type Plan } from '../agents/plan.js';
import type { RequestAnalysis } from '../agents/types.js';

export interface PlannedAnalysis {
  analysis: RequestAnalysis;
  /** Absent when the analysis comes from the analyser (stage 1, or no plan in the workspace). */
  plan?: Plan;
}

// Every agent of a stage asks with the same text: parse it once per process.
const parsed = new Map<string, PlannedAnalysis>();
const CAPACITY = 64;

/** The analysis from the plan's text when there is one, else from the request. Throws InvalidPlanError. */
export function plannedAnalysis(requirements: string, planText: string | undefined): PlannedAnalysis {
  if (planText === undefined) return { analysis: analyzeRequestCached(requirements) };
  let entry = parsed.get(planText);
  if (!entry) {
    const plan = parsePlanText(planText);
    entry = { analysis: analysisFromPlan(plan), plan };
    if (parsed.size >= CAPACITY) parsed.delete(parsed.keys().next().value as string);
    parsed.set(planText, entry);
  }
  return entry;
}

/** As `plannedAnalysis`, from a stage snapshot or workspace listing (path → content). */
export function analysisFromWorkspace(requirements: string, contents: ReadonlyMap<string, string>): PlannedAnalysis {
  return plannedAnalysis(requirements, contents.get(PLAN_PATH));
}
