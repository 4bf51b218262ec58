/** What prompt caching did for one project: cached input tokens and the money it saved (GET /api/costs/:id). */
import { usd } from '../format.js';
import type { ProjectCosts } from '../types.js';
import { useApiData } from './use-api-data.js';

export function CacheSavings({ projectId, revision }: { projectId: string; revision: string }) {
  const { data } = useApiData<ProjectCosts>(`/api/costs/${projectId}`, revision);
  if (!data) return null;
  const { inputTokens, cacheReadTokens, cacheWriteTokens, cacheSavingsUsd } = data.total;
  // Nothing to say for a project whose models cache nothing (the offline model, Ollama).
  if (cacheReadTokens === 0 && cacheWriteTokens === 0) return null;
  const share = inputTokens > 0 ? Math.round((cacheReadTokens / inputTokens) * 100) : 0;
  return (
    <p class="muted cache-savings" data-testid="cache-savings">
      Prompt cache: {cacheReadTokens.toLocaleString()} of {inputTokens.toLocaleString()} input tokens read from cache ({share}%), {cacheWriteTokens.toLocaleString()} written;{' '}
      {cacheSavingsUsd >= 0 ? `saved ${usd(cacheSavingsUsd)}` : `cost ${usd(-cacheSavingsUsd)} more so far`}
    </p>
  );
}
