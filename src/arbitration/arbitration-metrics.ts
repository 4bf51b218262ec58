/**
 * Arbitration counters (prom-client), on the registry given (default: prom-client's default one).
 *
 *   zekka_arbitration_resolutions_total{strategy,type}   conflicts resolved, by the strategy that settled them
 *   zekka_arbitration_attempts_total{strategy,outcome,type}   strategies tried (resolved, rejected, failed, skipped, needs_review)
 * The resolution rate of a strategy on a conflict type is resolutions / attempts of that strategy and type.
 * One set per registry: asking again for the same registry returns the same objects.
 */
import { Counter, register, type Registry } from 'prom-client';

export interface ArbitrationMetrics {
  resolutions: Counter<'strategy' | 'type'>;
  attempts: Counter<'strategy' | 'outcome' | 'type'>;
}

const byRegistry = new WeakMap<Registry, ArbitrationMetrics>();

export function createArbitrationMetrics(registry: Registry = register): ArbitrationMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const metrics: ArbitrationMetrics = {
    resolutions: new Counter({
      name: 'zekka_arbitration_resolutions_total',
      help: 'Conflicts resolved, by the strategy that settled them and the conflict type',
      labelNames: ['strategy', 'type'] as const,
      registers: [registry],
    }),
    attempts: new Counter({
      name: 'zekka_arbitration_attempts_total',
      help: 'Arbitration strategies tried, by strategy, outcome and conflict type',
      labelNames: ['strategy', 'outcome', 'type'] as const,
      registers: [registry],
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
