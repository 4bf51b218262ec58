/**
 * The shapes of the agent catalogue. Roles are data: adding one is adding an entry to
 * src/agents/catalog/*.ts, never code in the engine.
 */

import type { RequestKind } from './request-kind.js';

export type StageNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

export interface StageDefinition {
  number: StageNumber;
  /** e.g. `requirements`; with the number it forms the queue name `stage.01-requirements`. */
  key: string;
  /** e.g. `Requirements Analysis`. */
  name: string;
}

/** Model tiers; the router maps each to an ordered model preference list (see src/models). */
export type ModelTier = 'premium' | 'standard' | 'economy';

/** What the request analysis found; selection rules and instance rules read it. */
export interface RequestAnalysis {
  title: string;
  /** Domain entities named by the request, e.g. ["Task", "Project", "User"] (PascalCase, unique). */
  entities: string[];
  /** UI pages named or implied, e.g. ["Login", "Dashboard"] (PascalCase, unique); empty when there is no frontend. */
  pages: string[];
  /** Bounded contexts (groups of entities), e.g. ["identity", "planning"]. */
  contexts: string[];
  /** Third-party services named, e.g. ["stripe", "sendgrid"]. */
  integrations: string[];
  hasFrontend: boolean;
  hasApi: boolean;
  hasDatabase: boolean;
  realtime: boolean;
  size: 'small' | 'medium' | 'large';
  /**
   * Field names per entity as the request lists them (camelCase), e.g. {"Task": ["title", "dueDate", "project"]};
   * `name:Hint` when the request gives a one-word hint, e.g. "assignee:User" (an entity) or "due:Date" (a type).
   */
  entityFields?: Record<string, string[]>;
  /** Which entities each bounded context groups, e.g. {"identity": ["User"], "planning": ["Project", "Task"]}. */
  contextEntities?: Record<string, string[]>;
  /** What the request says about each page, e.g. {"Dashboard": "today's tasks across projects"}. */
  pageDescriptions?: Record<string, string>;
  /** What kind of software (src/agents/request-kind.ts); absent in analyses made before kinds existed: a web app. */
  kind?: RequestKind;
  /** The language or runtime the request names (`python`, `typescript`, `rust` …), when it names one. */
  language?: string;
}

export type Capability = 'frontend' | 'api' | 'database' | 'realtime' | 'integrations';

/** Selection rule, as data: every listed capability must be present and the size at least `minSize`. */
export interface SelectionRule {
  requires?: Capability[];
  minSize?: RequestAnalysis['size'];
}

/** How many instances of a role run: one, or one per page / entity / bounded context / integration. */
export type InstanceRule = 'single' | 'per-page' | 'per-entity' | 'per-context' | 'per-integration';

export interface AgentRole {
  /** kebab-case, unique, e.g. `route-creator`; the agent queue is `agent.<id>`. */
  id: string;
  stage: StageNumber;
  name: string;
  systemPrompt: string;
  tier: ModelTier;
  critical: boolean;
  /** Globs (picomatch) of workspace paths this role may write. */
  writes: string[];
  /** Globs of earlier stages' artifacts worth reading as context. */
  reads: string[];
  /** Paths this role must produce for its stage to complete; `{subject}` is the instance subject in kebab-case. */
  produces: string[];
  select: SelectionRule;
  instances: InstanceRule;
  /**
   * Upper bound for one model call's answer, sized to what the role writes (a config file 4k, documents
   * 8k, directories of code 16k tokens); an answer that reaches it continues in a follow-up call.
   */
  maxOutputTokens: number;
  /**
   * A reviewing role judges every file it reads: none is left out for lack of room. When they do not
   * fit one call they are judged in several, and a last call merges the parts' reports.
   */
  reviews?: boolean;
}

/** One selected role instance in one project. */
export interface AgentInstance {
  agentId: string;
  stage: StageNumber;
  /** Unique within the project: `<agentId>` or `<agentId>.<subject-kebab>`. */
  instanceKey: string;
  /** The page / entity / context / integration this instance works on. */
  subject?: string;
  critical: boolean;
}

/** User options that steer selection (from the project's `options`). */
export interface SelectionOptions {
  includeStages?: StageNumber[];
  excludeStages?: StageNumber[];
  includeAgents?: string[];
  excludeAgents?: string[];
}
