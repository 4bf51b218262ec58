/**
 * Which shared prefixes of an agent's prompt (src/agents/prompt.ts) other calls of its stage will
 * send too. A cache breakpoint pays only where the prefix is read again: Anthropic bills a cache
 * write at 1.25× the input price and a read at 0.1×, so caching a prefix no other call sends costs
 * a quarter more than not caching it. The stage's instances are known (the same selection the stage
 * runner made), and so is what each of them reads (the same context selection over the same stage
 * snapshot): the files block pays when another instance of the stage reads exactly the same files,
 * the role block when another instance of the same role runs in the stage.
 */
import type { AgentInstance } from '../agents/types.js';
import type { PromptReuse } from '../agents/prompt.js';

/** `contextKeyOf(agentId)`: what that role's agents read in this stage, as a comparable key. */
export function promptReuse(self: Pick<AgentInstance, 'agentId' | 'instanceKey'>, stage: readonly AgentInstance[], contextKeyOf: (agentId: string) => string): PromptReuse {
  const others = stage.filter((instance) => instance.instanceKey !== self.instanceKey);
  const keys = new Map<string, string>();
  const keyOf = (agentId: string): string => {
    let key = keys.get(agentId);
    if (key === undefined) keys.set(agentId, (key = contextKeyOf(agentId)));
    return key;
  };
  const own = keyOf(self.agentId);
  return {
    files: others.some((instance) => instance.agentId === self.agentId || keyOf(instance.agentId) === own),
    role: others.some((instance) => instance.agentId === self.agentId),
  };
}
