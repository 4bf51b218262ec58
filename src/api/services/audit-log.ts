/**
 * The audit log: who did what to which target, from which address, under which request id.
 * Auth events (register, login, failed login, API keys, provider keys) and every project action
 * are written; the entry is awaited, so an action that answered 2xx has its audit row.
 */
import type { Request, Response } from 'express';
import type { Prisma, PrismaClient } from '../../db/prisma-types.js';
import { principalOf } from '../auth/principal.js';
import { requestIdOf } from '../middleware/request-context.js';

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string;
  /** Defaults to the authenticated caller. */
  actorId?: string | null;
  details?: Prisma.InputJsonValue;
}

export class AuditLog {
  constructor(private readonly prisma: PrismaClient) {}

  async record(req: Request, res: Response, entry: AuditEntry): Promise<void> {
    await this.prisma.auditLogEntry.create({
      data: {
        actorId: entry.actorId === undefined ? (principalOf(res)?.id ?? null) : entry.actorId,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId ?? null,
        details: entry.details,
        ip: req.ip ?? null,
        requestId: requestIdOf(res) || null,
      },
    });
  }
}
