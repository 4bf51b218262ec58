/** The Prisma client type the services take as a dependency (one import path for the whole code base). */
export { PrismaClient, Prisma } from '../generated/prisma/client.js';
export type { Project, StageRun, AgentRun, Conflict } from '../generated/prisma/client.js';
export { ConflictType } from '../generated/prisma/enums.js';

/** True for Prisma's "unique constraint failed" error. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}
