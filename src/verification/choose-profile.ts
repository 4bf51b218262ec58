/**
 * Which toolchain profile proves a workspace. The Architecture stage's stack decision names it
 * (`docs/architecture/decisions/tech-stack-selector.json`: `decisions.profile.choice`); a
 * workspace without that decision is recognised by its manifests. A stack neither names nor
 * shows is built all the same, and its report says it could not be verified, and why.
 */
import { PROFILES, profileById } from './profiles/index.js';
import type { ToolchainProfile } from './profiles/toolchain-profile.js';

export const STACK_DECISION_PATH = 'docs/architecture/decisions/tech-stack-selector.json';

export interface ChosenProfile {
  profile: ToolchainProfile | undefined;
  /** How it was chosen, or why there is none. */
  reason: string;
}

function decidedProfile(files: ReadonlyMap<string, string>): string | undefined {
  const text = files.get(STACK_DECISION_PATH);
  if (text === undefined) return undefined;
  try {
    const record = JSON.parse(text) as { decisions?: { profile?: { choice?: unknown } } };
    const choice = record.decisions?.profile?.choice;
    return typeof choice === 'string' ? choice : undefined;
  } catch {
    return undefined;
  }
}

export function chooseProfile(files: ReadonlyMap<string, string>): ChosenProfile {
  const decided = decidedProfile(files);
  if (decided !== undefined) {
    const profile = profileById(decided);
    return profile
      ? { profile, reason: `the stack decision names ${profile.name}` }
      : { profile: undefined, reason: `the stack decision names "${decided}", which has no toolchain profile (profiles: ${Object.keys(PROFILES).join(', ')})` };
  }
  const byManifests = Object.values(PROFILES).find((profile) => profile.manifests.every((manifest) => files.has(manifest)));
  if (byManifests) return { profile: byManifests, reason: `the workspace has ${byManifests.manifests.join(' and ')}` };
  return { profile: undefined, reason: `no stack decision names a profile and no profile's manifests are present (profiles: ${Object.keys(PROFILES).join(', ')})` };
}
