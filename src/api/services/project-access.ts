/**
 * Ownership: a user reaches only their own projects; anyone else's answers 404 exactly like a
 * project that does not exist (no hint that it does). Admins reach every project.
 */
import type { PrismaClient, Project } from '../../db/prisma-types.js';
import { NotFoundError } from '../../errors/app-error.js';
import type { Principal } from '../auth/principal.js';

export class ProjectAccess {
  constructor(private readonly prisma: PrismaClient) {}

  visible(principal: Principal, ownerId: string): boolean {
    return principal.role === 'admin' || principal.id === ownerId;
  }

  async load(principal: Principal, projectId: string): Promise<Project> {
    const project = await this.prisma.project.findUnique({ where: { id: projectId } });
    if (!project || !this.visible(principal, project.ownerId)) throw new NotFoundError('project');
    return project;
  }

  /** The same check, reading only the owner. */
  async check(principal: Principal, projectId: string): Promise<void> {
    const project = await this.prisma.project.findUnique({ where: { id: projectId }, select: { ownerId: true } });
    if (!project || !this.visible(principal, project.ownerId)) throw new NotFoundError('project');
  }
}
