/**
 * A toolchain profile: how software of one stack is laid out and proven. The Architecture stage's
 * stack decision picks one; the verify job runs its commands in the sandbox, in order, and stops at
 * the first that fails (a failed install makes build and test meaningless).
 */
import type { ProfileId } from '../../agents/request-kind.js';

export interface TestCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export type CommandPhase = 'install' | 'build' | 'test';

export interface ProfileCommand {
  phase: CommandPhase;
  /** What the report calls it, e.g. `npm ci`. */
  label: string;
  argv: string[];
  /** Only the install reaches the network (the package registry); build and test never do. */
  network: boolean;
  wallMs: number;
}

/** A dependency the workspace's manifests name, checked against the registry before any install. */
export interface DeclaredDependency {
  name: string;
  /** The version or range the manifest pins. */
  spec: string;
  manifest: string;
}

export interface ToolchainProfile {
  id: ProfileId;
  /** e.g. `Node.js / TypeScript`. */
  name: string;
  /** The manifests a project of this profile must have (checked before anything runs). */
  manifests: string[];
  /** The commands that prove the software, given the materialised workspace's files. */
  commands(files: ReadonlyMap<string, string>): ProfileCommand[];
  /** Dependencies to check in the registry before installing. */
  dependencies(files: ReadonlyMap<string, string>): DeclaredDependency[];
  /** Test counts from the test command's output, when the runner prints them. */
  testCounts(output: string): TestCounts | undefined;
}
