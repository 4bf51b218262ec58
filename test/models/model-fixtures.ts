/**
 * Shared fixtures of the model tests: a request, the three fake servers with a provider on each,
 * and an in-memory budget guard (the real one lives in src/economics/ and is tested there).
 */
import { analyzeRequest } from '../../src/agents/request-analysis.js';
import type { BudgetGuard, CallEstimate, Reservation, SettledCall } from '../../src/models/budget-guard.js';
import type { ModelRef } from '../../src/models/model-catalog.js';
import type { RoutedRequest } from '../../src/models/model-router.js';
import type { AgentTask } from '../../src/agents/agent-task.js';
import type { CompletionRequest, TokenUsage } from '../../src/models/provider.js';
import { AnthropicProvider } from '../../src/models/providers/anthropic-provider.js';
import { GeminiProvider } from '../../src/models/providers/gemini-provider.js';
import { OllamaProvider } from '../../src/models/providers/ollama-provider.js';
import { FakeAnthropicServer } from '../support/fake-anthropic-server.js';
import { FakeGeminiServer } from '../support/fake-gemini-server.js';
import { FakeOllamaServer } from '../support/fake-ollama-server.js';

const REQUIREMENTS = 'A todo app: users create tasks with a title and a due date.';

export function sampleTask(): AgentTask {
  return {
    projectId: 'p1',
    projectName: 'Todo',
    requirements: REQUIREMENTS,
    analysis: analyzeRequest(REQUIREMENTS),
    stage: 1,
    agentId: 'requirements-parser',
    instanceKey: 'requirements-parser',
    context: [],
  };
}

export function completionRequest(model: string, extra: Partial<CompletionRequest> = {}): CompletionRequest {
  return { model, system: [{ text: 'You are a careful parser.' }], prompt: [{ text: 'Parse the requirements.' }], maxOutputTokens: 256, task: sampleTask(), ...extra };
}

export function routedRequest(tier: RoutedRequest['tier'] = 'standard', extra: Partial<RoutedRequest> = {}): RoutedRequest {
  const { model: _model, ...rest } = completionRequest('-');
  return { ...rest, tier, ...extra };
}

export interface FakeServers {
  anthropic: FakeAnthropicServer;
  gemini: FakeGeminiServer;
  ollama: FakeOllamaServer;
  close(): Promise<void>;
}

export async function startFakeServers(): Promise<FakeServers> {
  const anthropic = await new FakeAnthropicServer().start();
  const gemini = await new FakeGeminiServer().start();
  const ollama = await new FakeOllamaServer().start();
  return {
    anthropic,
    gemini,
    ollama,
    close: async () => {
      await Promise.all([anthropic.close(), gemini.close(), ollama.close()]);
    },
  };
}

export function realProviders(servers: FakeServers, timeoutMs = 2_000) {
  return {
    anthropic: new AnthropicProvider({ apiKey: FakeAnthropicServer.apiKey, baseURL: servers.anthropic.url, timeoutMs }),
    gemini: new GeminiProvider({ apiKey: FakeGeminiServer.apiKey, baseUrl: servers.gemini.url, timeoutMs }),
    ollama: new OllamaProvider({ host: servers.ollama.url, timeoutMs }),
  };
}

/** Prices per token in micro-dollars, by provider (a stand-in for the real price table). */
export const TOY_PRICES: Record<string, { input: bigint; output: bigint }> = {
  anthropic: { input: 3n, output: 15n },
  gemini: { input: 1n, output: 2n },
  ollama: { input: 0n, output: 0n },
  offline: { input: 0n, output: 0n },
};

export function toyPrice(ref: Pick<ModelRef, 'provider'>, usage: TokenUsage): bigint {
  const price = TOY_PRICES[ref.provider] ?? { input: 100n, output: 100n };
  return BigInt(usage.inputTokens) * price.input + BigInt(usage.outputTokens) * price.output;
}

/** An in-memory budget: reserves the worst case, settles the real cost, records every step. */
export class FakeBudgetGuard implements BudgetGuard {
  spent = 0n;
  reserved = 0n;
  readonly log: string[] = [];
  private counter = 0;

  constructor(public limit: bigint) {}

  reserve(estimate: CallEstimate): Promise<Reservation | undefined> {
    const amount = toyPrice(estimate, { inputTokens: estimate.inputTokens, outputTokens: estimate.maxOutputTokens });
    if (this.spent + this.reserved + amount > this.limit) {
      this.log.push(`refuse ${estimate.provider}:${estimate.model} ${amount}`);
      return Promise.resolve(undefined);
    }
    this.reserved += amount;
    this.counter += 1;
    this.log.push(`reserve ${estimate.provider}:${estimate.model} ${amount}`);
    return Promise.resolve({ callId: `call-${this.counter}`, provider: estimate.provider, model: estimate.model, amountMicros: amount });
  }

  settle(reservation: Reservation, usage: TokenUsage): Promise<SettledCall> {
    const cost = toyPrice(reservation, usage);
    this.reserved -= reservation.amountMicros;
    this.spent += cost;
    this.log.push(`settle ${reservation.provider}:${reservation.model} ${cost}`);
    return Promise.resolve({ costMicros: cost });
  }

  release(reservation: Reservation): Promise<void> {
    this.reserved -= reservation.amountMicros;
    this.log.push(`release ${reservation.provider}:${reservation.model}`);
    return Promise.resolve();
  }
}

/** The environment that points every provider at the fake servers (`zekka doctor` and its report read it). */
export function fakeProviderEnv(servers: FakeServers, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ANTHROPIC_API_KEY: FakeAnthropicServer.apiKey,
    ANTHROPIC_BASE_URL: servers.anthropic.url,
    GEMINI_API_KEY: FakeGeminiServer.apiKey,
    GEMINI_BASE_URL: servers.gemini.url,
    OLLAMA_HOST: servers.ollama.url,
    ...extra,
  };
}
