/** The ten stages in order, each with its agents' states (from the live stream). */
import { agentsDone, type StageLive } from '../live/project-timeline.js';
import { StatusBadge } from './status-badge.js';

export function StageBoard({ stages }: { stages: readonly StageLive[] }) {
  return (
    <section class="card" aria-labelledby="stages-title">
      <h2 id="stages-title">Stages</h2>
      <ol class="stages">
        {stages.map((stage) => {
          const total = stage.planned ?? stage.agents.length;
          const done = agentsDone(stage);
          return (
            <li key={stage.number} class={`stage stage-${stage.status}`} data-stage={stage.number} data-status={stage.status}>
              <div class="stage-head">
                <span class="stage-name">
                  {stage.number}. {stage.name}
                </span>
                <StatusBadge status={stage.status} />
                {total > 0 && (
                  <span class="stage-count">
                    {done}/{total}
                    <span class="visually-hidden"> agents done</span>
                  </span>
                )}
              </div>
              {total > 0 && <progress max={total} value={done} aria-label={`${stage.name}: agents done`} />}
              {stage.agents.length > 0 && (
                <ul class="agents" aria-label={`${stage.name} agents`}>
                  {stage.agents.map((agent) => (
                    <li key={agent.instanceKey} class={`agent agent-${agent.status}`} data-status={agent.status}>
                      <span class="agent-name">{agent.instanceKey}</span> <StatusBadge status={agent.status} />
                      {agent.model && <span class="agent-model"> {agent.model}</span>}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
