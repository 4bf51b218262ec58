/**
 * A model-call interceptor for the harness's ScriptedProvider: Middleware Developer and Error
 * Handler (stage 4) both rewrite the first line of the shared `src/server/app.ts`, differently —
 * an edit no 3-way merge can settle, so the conflict needs a strategy beyond the merge.
 */
import type { ScriptedProvider } from './engine-harness.js';

export const clashOnSharedServerFile: NonNullable<ScriptedProvider['intercept']> = async (request, offline) => {
  const answer = await offline();
  const { agentId } = request.task;
  if (agentId !== 'middleware-developer' && agentId !== 'error-handler') return answer;
  const parsed = JSON.parse(answer.text) as { files: { path: string; content: string }[] };
  for (const file of parsed.files) {
    if (file.path === 'src/server/app.ts') file.content = file.content.replace(/^.*$/m, `// first line rewritten by ${agentId}`);
  }
  return { ...answer, text: JSON.stringify(parsed) };
};
