/**
 * A budget conflict: a critical agent the budget refused (recorded as a resource conflict on
 * `budget:<agent>`). Only money settles it: the owner raises the budget and resumes the project.
 * A leaf module, so the CLI and the dashboard can tell these apart without loading the engine.
 */
export const BUDGET_TOPIC_PREFIX = 'budget:';

export const isBudgetConflict = (conflict: { type: string; topic: string | null }): boolean => conflict.type === 'resource' && (conflict.topic ?? '').startsWith(BUDGET_TOPIC_PREFIX);
