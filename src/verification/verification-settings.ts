/**
 * What a process that verifies needs (carried in the engine's deps). Its own module so that the
 * engine can hold it without importing the verify job, which imports the engine.
 */
import type { VerificationRecords } from './verification-records.js';

export interface VerificationSettings {
  workRoot: string;
  packageCacheDir: string;
  maxRepairRounds: number;
  /** Caps every command's wall time (VERIFY_COMMAND_MAX_MS); undefined: each profile's own limit. */
  wallMsCap?: number;
  records: VerificationRecords;
}
