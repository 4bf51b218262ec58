/**
 * One circuit breaker per provider, in this process. State machine:
 *
 *   closed ──(failureThreshold consecutive failures)──▶ open
 *   open ──(cooldownMs elapsed; the next caller is let through as the one trial)──▶ half-open
 *   half-open ──(trial succeeds)──▶ closed      half-open ──(trial fails)──▶ open (a new cool-down)
 *
 * While half-open, every caller other than the trial is refused, so a provider that is still down
 * costs one failed call per cool-down, not one per agent.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long an open circuit refuses calls before one trial. Default 30 s. */
  cooldownMs?: number;
  now?: () => number;
}

interface Circuit {
  state: CircuitState;
  failures: number;
  openedAt: number;
}

export class CircuitBreakers {
  private readonly circuits = new Map<string, Circuit>();
  private readonly failureThreshold: number;
  private readonly cooldownMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = options.failureThreshold ?? 5;
    this.cooldownMs = options.cooldownMs ?? 30_000;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.failureThreshold) || this.failureThreshold < 1) throw new RangeError('failureThreshold must be an integer >= 1');
    if (!(this.cooldownMs >= 0)) throw new RangeError('cooldownMs must be >= 0');
  }

  private circuit(provider: string): Circuit {
    let circuit = this.circuits.get(provider);
    if (!circuit) {
      circuit = { state: 'closed', failures: 0, openedAt: 0 };
      this.circuits.set(provider, circuit);
    }
    return circuit;
  }

  /** The state as a caller would see it now (an open circuit past its cool-down reads half-open). */
  state(provider: string): CircuitState {
    const circuit = this.circuit(provider);
    if (circuit.state === 'open' && this.now() - circuit.openedAt >= this.cooldownMs) return 'half-open';
    return circuit.state;
  }

  /** May a call go to this provider now? Moves open → half-open and claims the trial when it is due. */
  tryAcquire(provider: string): boolean {
    const circuit = this.circuit(provider);
    if (circuit.state === 'closed') return true;
    if (circuit.state === 'open' && this.now() - circuit.openedAt >= this.cooldownMs) {
      circuit.state = 'half-open';
      return true;
    }
    return false;
  }

  /**
   * Gives back a permit whose call never happened (e.g. refused by the budget), so a half-open
   * circuit's trial is not lost.
   */
  abandon(provider: string): void {
    const circuit = this.circuit(provider);
    if (circuit.state === 'half-open') {
      circuit.state = 'open';
      circuit.openedAt = this.now() - this.cooldownMs;
    }
  }

  recordSuccess(provider: string): void {
    const circuit = this.circuit(provider);
    circuit.state = 'closed';
    circuit.failures = 0;
  }

  recordFailure(provider: string): void {
    const circuit = this.circuit(provider);
    circuit.failures += 1;
    if (circuit.state === 'half-open' || circuit.failures >= this.failureThreshold) {
      circuit.state = 'open';
      circuit.openedAt = this.now();
    }
  }

  /** Every provider seen so far, with its state, for diagnostics. */
  snapshot(): Record<string, { state: CircuitState; failures: number }> {
    return Object.fromEntries([...this.circuits.keys()].map((provider) => [provider, { state: this.state(provider), failures: this.circuit(provider).failures }]));
  }
}
