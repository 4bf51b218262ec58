/** `analyzeRequest`, memoised by request text: every stage and agent of a project asks for the same analysis. */
import { analyzeRequest } from './request-analysis.js';
import type { RequestAnalysis } from './types.js';

const cache = new Map<string, RequestAnalysis>();
const CAPACITY = 64;

export function analyzeRequestCached(text: string): RequestAnalysis {
  let analysis = cache.get(text);
  if (!analysis) {
    analysis = analyzeRequest(text);
    if (cache.size >= CAPACITY) cache.delete(cache.keys().next().value as string);
    cache.set(text, analysis);
  }
  return analysis;
}
