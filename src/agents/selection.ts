/**
 * Agent selection: which roles of the catalogue run for a request, and how many instances of each.
 *
 * Precedence, most specific first: an agent named in `excludeAgents` never runs; an agent named in
 * `includeAgents` always runs (even when its selection rule or an excluded stage would drop it);
 * then a stage in `excludeStages` drops its roles; a stage in `includeStages` forces its roles in;
 * otherwise the role's selection rule decides. Naming the same agent (or stage) in both an include
 * and an exclude list is refused, as is any unknown agent id or stage number.
 *
 * Instance keys become part of BullMQ job ids, so they are `<agentId>` or `<agentId>.<subject>`
 * in [a-z0-9.-] only: never a `:`.
 */
import { ValidationError } from '../errors/app-error.js';
import { AGENT_ROLES, subjectSlug } from './catalog/index.js';
import { roleInLayout } from './role-layout.js';
import { STAGES, isStageNumber } from './stages.js';
import type { AgentInstance, AgentRole, Capability, RequestAnalysis, SelectionOptions, SelectionRule, StageNumber } from './types.js';

export const INSTANCE_KEY_PATTERN = /^[a-z0-9.-]+$/;

const SIZE_RANK: Record<RequestAnalysis['size'], number> = { small: 0, medium: 1, large: 2 };

export function hasCapability(analysis: RequestAnalysis, capability: Capability): boolean {
  switch (capability) {
    case 'frontend':
      return analysis.hasFrontend;
    case 'api':
      return analysis.hasApi;
    case 'database':
      return analysis.hasDatabase;
    case 'realtime':
      return analysis.realtime;
    case 'integrations':
      return analysis.integrations.length > 0;
  }
}

export function ruleMatches(rule: SelectionRule, analysis: RequestAnalysis): boolean {
  const capabilities = (rule.requires ?? []).every((capability) => hasCapability(analysis, capability));
  return capabilities && SIZE_RANK[analysis.size] >= SIZE_RANK[rule.minSize ?? 'small'];
}

/** The subjects a role fans out over; an empty list for `single`. */
export function subjectsFor(role: AgentRole, analysis: RequestAnalysis): string[] {
  switch (role.instances) {
    case 'single':
      return [];
    case 'per-page':
      return analysis.pages;
    case 'per-entity':
      return analysis.entities;
    case 'per-context':
      return analysis.contexts;
    case 'per-integration':
      return analysis.integrations;
  }
}

interface CheckedOptions {
  includeStages: Set<StageNumber>;
  excludeStages: Set<StageNumber>;
  includeAgents: Set<string>;
  excludeAgents: Set<string>;
}

function checkOptions(options: SelectionOptions, roles: readonly AgentRole[]): CheckedOptions {
  const known = new Set(roles.map((role) => role.id));
  const stages = (field: 'includeStages' | 'excludeStages'): Set<StageNumber> => {
    const values: unknown[] = options[field] ?? [];
    for (const value of values) {
      if (!isStageNumber(value)) {
        throw new ValidationError(`${field}: unknown stage ${JSON.stringify(value)} (stages are numbered 1 to 10)`, { field, value });
      }
    }
    return new Set(values as StageNumber[]);
  };
  const agents = (field: 'includeAgents' | 'excludeAgents'): Set<string> => {
    const values: unknown[] = options[field] ?? [];
    for (const value of values) {
      if (typeof value !== 'string' || !known.has(value)) {
        throw new ValidationError(`${field}: unknown agent ${JSON.stringify(value)}`, { field, value });
      }
    }
    return new Set(values as string[]);
  };
  const checked = {
    includeStages: stages('includeStages'),
    excludeStages: stages('excludeStages'),
    includeAgents: agents('includeAgents'),
    excludeAgents: agents('excludeAgents'),
  };
  const stageClash = [...checked.includeStages].find((stage) => checked.excludeStages.has(stage));
  if (stageClash !== undefined) {
    throw new ValidationError(`stage ${stageClash} is both included and excluded`, { field: 'excludeStages', value: stageClash });
  }
  const agentClash = [...checked.includeAgents].find((id) => checked.excludeAgents.has(id));
  if (agentClash !== undefined) {
    throw new ValidationError(`agent "${agentClash}" is both included and excluded`, { field: 'excludeAgents', value: agentClash });
  }
  return checked;
}

function isSelected(role: AgentRole, analysis: RequestAnalysis, options: CheckedOptions): { selected: boolean; forced: boolean } {
  if (options.excludeAgents.has(role.id)) return { selected: false, forced: false };
  if (options.includeAgents.has(role.id)) return { selected: true, forced: true };
  if (options.excludeStages.has(role.stage)) return { selected: false, forced: false };
  if (options.includeStages.has(role.stage)) return { selected: true, forced: true };
  return { selected: ruleMatches(role.select, analysis), forced: false };
}

/**
 * The agent instances to run for a request, in stage order, catalogue order within a stage and
 * subject order within a role. A per-subject role with no subjects runs once without a subject
 * (key `<agentId>.general`, see GENERAL_SUBJECT) when it is critical or forced in by the options,
 * and not at all otherwise. The part of a key after the first `.` is always the `{subject}` of the
 * role's `produces` (producedPaths).
 */
export function selectAgents(analysis: RequestAnalysis, options: SelectionOptions = {}, roles: readonly AgentRole[] = AGENT_ROLES): AgentInstance[] {
  const checked = checkOptions(options, roles);
  const instances: AgentInstance[] = [];
  const keys = new Set<string>();
  const ordered = [...roles].sort((a, b) => a.stage - b.stage);
  for (const catalogued of ordered) {
    // The request's profile decides the role's paths and whether it has a place at all.
    const role = roleInLayout(catalogued, analysis);
    if (!role) continue;
    const { selected, forced } = isSelected(role, analysis, checked);
    if (!selected) continue;
    const subjects = subjectsFor(role, analysis);
    if (role.instances === 'single') {
      instances.push({ agentId: role.id, stage: role.stage, instanceKey: uniqueKey(role.id, keys), critical: role.critical });
      continue;
    }
    if (subjects.length === 0 && (role.critical || forced)) {
      // No subject: the key still carries one (`general`) so `{subject}` in `produces` resolves.
      instances.push({ agentId: role.id, stage: role.stage, instanceKey: uniqueKey(`${role.id}.${subjectSlug(undefined)}`, keys), critical: role.critical });
      continue;
    }
    for (const subject of subjects) {
      // Two subjects with one kebab form (`ABTest`, `AbTest`) would write the same files: run one.
      const instanceKey = `${role.id}.${subjectSlug(subject)}`;
      if (keys.has(instanceKey)) continue;
      instances.push({ agentId: role.id, stage: role.stage, instanceKey: uniqueKey(instanceKey, keys), subject, critical: role.critical });
    }
  }
  return instances;
}

function uniqueKey(key: string, keys: Set<string>): string {
  if (keys.has(key)) throw new ValidationError(`two agent instances share the key "${key}"`, { value: key });
  if (!INSTANCE_KEY_PATTERN.test(key)) throw new ValidationError(`instance key "${key}" is not made of [a-z0-9.-]`, { value: key });
  keys.add(key);
  return key;
}

export interface StagePlan {
  stage: StageNumber;
  key: string;
  name: string;
  /** Distinct roles selected in this stage. */
  agents: number;
  /** Instances (jobs) to run in this stage. */
  instances: number;
  /** Instances of critical roles. */
  critical: number;
}

export interface PlanSummary {
  total: number;
  stages: StagePlan[];
}

/** Counts per stage (every stage listed, empty ones with zeros). */
export function planSummary(instances: readonly AgentInstance[]): PlanSummary {
  const stages = STAGES.map((stage) => {
    const own = instances.filter((instance) => instance.stage === stage.number);
    return {
      stage: stage.number,
      key: stage.key,
      name: stage.name,
      agents: new Set(own.map((instance) => instance.agentId)).size,
      instances: own.length,
      critical: own.filter((instance) => instance.critical).length,
    };
  });
  return { total: instances.length, stages };
}
