/**
 * What the agents of one stage start from: every file as the earlier stages left it.
 * Once a stage runs, earlier stages are final, so the snapshot is the same for all its agents:
 * it is loaded once per process and run (one query) instead of once per agent.
 * Keyed by project, run and stage, so a resumed run reads afresh; a small LRU bounds memory.
 */
import type { ArtifactStore, StageInputs } from './artifact-store.js';

export type StageSnapshot = Readonly<StageInputs>;

export class StageSnapshotCache {
  private readonly entries = new Map<string, Promise<StageSnapshot>>();

  constructor(
    private readonly artifacts: ArtifactStore,
    private readonly capacity = 32,
  ) {}

  get(projectId: string, runId: string, stage: number): Promise<StageSnapshot> {
    const key = `${projectId}.${runId}.${stage}`;
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
    } else {
      entry = this.artifacts.stageInputs(projectId, stage);
      // A failed load must not stay cached.
      entry.catch(() => this.entries.delete(key));
    }
    this.entries.set(key, entry);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }
}
