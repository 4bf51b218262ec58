/**
 * Which toolchain profile (src/verification/profiles) the Tech Stack Selector records for a
 * request: the decision `chooseProfile` reads back as `decisions.profile.choice`. It is
 * `stackFor` (src/agents/request-kind.ts) — the one rule that also picks the workspace layout —
 * with a reason a reader can check against the request.
 */
import { stackFor } from '../agents/request-kind.js';
import type { RequestAnalysis } from '../agents/types.js';

export interface ProfileDecision {
  choice: string;
  reason: string;
}

export function stackProfile(analysis: RequestAnalysis): ProfileDecision {
  const kind = analysis.kind ?? 'web-app';
  const stack = stackFor(kind, analysis.language);
  const asked = analysis.language === undefined ? `a ${kind} that names no language` : `a ${kind} in ${analysis.language}`;
  if (stack.profile === null) return { choice: stack.choice, reason: `the request asks for ${stack.choice}, which has no toolchain profile` };
  if (stack.profile === 'python') return { choice: stack.choice, reason: `the request asks for ${asked}: Python, proven by the Python toolchain profile (compileall and unittest)` };
  return { choice: stack.choice, reason: `the request asks for ${asked}: TypeScript on Node.js, proven with npm ci, tsc and vitest` };
}
