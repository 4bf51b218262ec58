/**
 * The ten workflow stages, in the order they run. A stage's queue is `stage.<NN>-<key>`.
 */
import { ValidationError } from '../errors/app-error.js';
import type { StageDefinition, StageNumber } from './types.js';

export const STAGES: readonly StageDefinition[] = Object.freeze([
  { number: 1, key: 'requirements', name: 'Requirements Analysis' },
  { number: 2, key: 'architecture', name: 'Architecture Design' },
  { number: 3, key: 'database', name: 'Database Schema' },
  { number: 4, key: 'api', name: 'API Development' },
  { number: 5, key: 'frontend', name: 'Frontend Development' },
  { number: 6, key: 'integration', name: 'Integration' },
  { number: 7, key: 'testing', name: 'Testing' },
  { number: 8, key: 'documentation', name: 'Documentation' },
  { number: 9, key: 'deployment', name: 'Deployment' },
  { number: 10, key: 'qa', name: 'Quality Assurance' },
] satisfies StageDefinition[]);

export function isStageNumber(value: unknown): value is StageNumber {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 10;
}

/** The stage with this number; throws a ValidationError for anything but 1..10. */
export function getStage(number: number): StageDefinition {
  const stage = isStageNumber(number) ? STAGES[number - 1] : undefined;
  if (!stage) throw new ValidationError(`unknown stage ${String(number)}: stages are numbered 1 to 10`, { stage: number });
  return stage;
}

/** `stage.01-requirements` … `stage.10-qa`. */
export function stageQueueName(number: number): string {
  const stage = getStage(number);
  return `stage.${String(stage.number).padStart(2, '0')}-${stage.key}`;
}

/** The inverse of stageQueueName; undefined for any other string. */
export function stageFromQueueName(queueName: string): StageDefinition | undefined {
  const match = /^stage\.(\d{2})-([a-z]+)$/.exec(queueName);
  if (!match) return undefined;
  const stage = STAGES[Number(match[1]) - 1];
  return stage && stage.key === match[2] ? stage : undefined;
}
