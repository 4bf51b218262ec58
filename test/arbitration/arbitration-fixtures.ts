/**
 * Fixtures of the arbitration tests: a conflict on a file written into a real project (harness
 * database and Redis), and arbitration services whose providers talk to the fake model servers
 * through the real SDKs.
 */
import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { createArbitrationMetrics, type ArbitrationMetrics } from '../../src/arbitration/arbitration-metrics.js';
import { createArbitrationServices, type ArbitrationServices, type ReviewPublisher } from '../../src/arbitration/arbitration-services.js';
import type { Conflict } from '../../src/db/prisma-types.js';
import type { LlmProvider } from '../../src/models/provider.js';
import { AnthropicProvider } from '../../src/models/providers/anthropic-provider.js';
import { GeminiProvider } from '../../src/models/providers/gemini-provider.js';
import { OllamaProvider } from '../../src/models/providers/ollama-provider.js';
import type { Harness } from '../support/engine-harness.js';
import { FakeAnthropicServer } from '../support/fake-anthropic-server.js';
import { FakeGeminiServer } from '../support/fake-gemini-server.js';
import { FakeOllamaServer } from '../support/fake-ollama-server.js';

export const BASE = ['export function greet(name: string): string {', "  return 'hello ' + name;", '}', ''].join('\n');
export const OURS = ['export function greet(name: string): string {', "  return 'hello, ' + name;", '}', ''].join('\n');
export const THEIRS = ['export function greet(name: string): string {', "  return 'hi ' + name.trim();", '}', ''].join('\n');
export const RESOLVED = ['export function greet(name: string): string {', "  return 'hello, ' + name.trim();", '}'].join('\n');

export const fenced = (text: string, lang = 'ts'): string => `Here is the file:\n\`\`\`${lang}\n${text}\n\`\`\`\n`;

export interface ModelServers {
  gemini: FakeGeminiServer;
  anthropic: FakeAnthropicServer;
  ollama: FakeOllamaServer;
  providers(only?: readonly ('gemini' | 'anthropic' | 'ollama')[]): Map<string, LlmProvider>;
  close(): Promise<void>;
}

export async function startModelServers(): Promise<ModelServers> {
  const gemini = await new FakeGeminiServer().start();
  const anthropic = await new FakeAnthropicServer().start();
  const ollama = await new FakeOllamaServer().start();
  return {
    gemini,
    anthropic,
    ollama,
    providers(only = ['gemini', 'anthropic', 'ollama']) {
      const map = new Map<string, LlmProvider>();
      const timeoutMs = 10_000;
      if (only.includes('gemini')) map.set('gemini', new GeminiProvider({ apiKey: FakeGeminiServer.apiKey, baseUrl: gemini.url, timeoutMs }));
      if (only.includes('anthropic')) map.set('anthropic', new AnthropicProvider({ apiKey: FakeAnthropicServer.apiKey, baseURL: anthropic.url, timeoutMs }));
      if (only.includes('ollama')) map.set('ollama', new OllamaProvider({ host: ollama.url, timeoutMs }));
      return map;
    },
    close: async () => {
      await Promise.all([gemini.close(), anthropic.close(), ollama.close()]);
    },
  };
}

export function services(
  providers: Map<string, LlmProvider>,
  options: { strategies?: string; metrics?: ArbitrationMetrics; review?: ReviewPublisher } = {},
): ArbitrationServices & { metrics: ArbitrationMetrics } {
  const metrics = options.metrics ?? createArbitrationMetrics(new Registry());
  const created = createArbitrationServices({
    env: { ARBITRATION_STRATEGIES: options.strategies ?? 'merge,gemini,claude,ollama,human', ARBITRATION_MODELS: undefined, ARBITRATION_MAX_OUTPUT_TOKENS: 4_000, ARBITRATION_MAX_FILE_BYTES: 100_000 },
    providers,
    metrics,
    review: options.review,
  });
  return { ...created, metrics };
}

/** A project whose `path` holds OURS, and an open code conflict with THEIRS on it. */
export async function seedConflict(h: Harness, input: { path?: string; base?: string; ours?: string; theirs?: string; budgetUsd?: number } = {}): Promise<Conflict> {
  const path = input.path ?? 'src/greet.ts';
  const projectId = await h.createProject({ requirements: 'A greeting API: GET /greet returns a greeting.', budgetUsd: input.budgetUsd ?? 10 });
  const ours = input.ours ?? OURS;
  await h.deps.locks.withLock(projectId, path, 'seed', (lock) =>
    h.deps.artifacts.write({ projectId, path, content: ours, baseVersion: null, fenceToken: lock.token, author: 'agent-a', stage: 4 }),
  );
  return h.deps.prisma.conflict.create({
    data: { projectId, type: 'code', path, base: input.base ?? BASE, ours, theirs: input.theirs ?? THEIRS, raisedBy: 'agent-b', dedupeKey: randomUUID() },
  });
}
