/**
 * Which toolchain profile (src/verification/profiles) the Tech Stack Selector records for a
 * request: the decision `chooseProfile` reads back as `decisions.profile.choice`. One small
 * function of the request analysis, so a stack with another profile adds one branch here.
 */
import type { RequestAnalysis } from '../agents/types.js';

export interface ProfileDecision {
  choice: string;
  reason: string;
}

export function stackProfile(analysis: RequestAnalysis): ProfileDecision {
  const parts = [analysis.hasApi && 'an HTTP API', analysis.hasFrontend && 'a web client'].filter((part): part is string => typeof part === 'string');
  return {
    choice: 'node-typescript',
    reason: `${parts.length > 0 ? `the request asks for ${parts.join(' and ')}` : 'the request names no other stack'}: TypeScript on Node.js, proven with npm ci, tsc and vitest`,
  };
}
