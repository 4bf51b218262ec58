/**
 * What the context planner needs to know of each file version — its one-line summary and its size
 * in tokens — computed once per version and kept in a bounded LRU: a file version never changes,
 * and the agents of one stage (and the stages after) see the same versions again and again.
 */
import { summarizeFile } from './file-summary.js';
import type { TokenCounter } from './token-counter.js';

export interface FileFacts {
  summary: string;
  tokens: number;
}

export class FileFactsCache {
  private readonly entries = new Map<string, FileFacts>();

  constructor(private readonly capacity = 20_000) {}

  get(key: { projectId: string; path: string; version: number }, content: string, counter: TokenCounter): FileFacts {
    const id = `${key.projectId}\u0000${key.path}\u0000${key.version}`;
    let facts = this.entries.get(id);
    if (facts) {
      this.entries.delete(id);
    } else {
      facts = { summary: summarizeFile(key.path, content), tokens: counter.count(content) };
    }
    this.entries.set(id, facts);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return facts;
  }

  get size(): number {
    return this.entries.size;
  }
}
