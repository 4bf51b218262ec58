/** The toolchain profiles, by id. A stack with none is built but reported as not verifiable. */
import { nodeTypescriptProfile } from './node-typescript.js';
import { pythonProfile } from './python.js';
import type { ProfileId } from '../../agents/request-kind.js';
import type { ToolchainProfile } from './toolchain-profile.js';

export const PROFILES: Readonly<Record<ProfileId, ToolchainProfile>> = {
  'node-typescript': nodeTypescriptProfile,
  python: pythonProfile,
};

export function profileById(id: string | undefined): ToolchainProfile | undefined {
  return id !== undefined && Object.hasOwn(PROFILES, id) ? PROFILES[id as ProfileId] : undefined;
}
