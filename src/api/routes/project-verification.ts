/**
 * A project's verification (the rounds its software was run through in the sandbox) and the
 * person's answer to software that still failed after its repairs: accept it as it is. Resuming
 * such a project (execute or resume) starts a run that only verifies and repairs.
 */
import type { ApiContext } from '../api-context.js';
import { projectIdParams } from '../schemas/common.js';
import { projectSchema } from '../schemas/projects.js';
import { projectVerificationSchema } from '../schemas/verification.js';
import { projectView, withSpent } from '../services/project-views.js';
import { verificationRoundView } from '../services/verification-views.js';

/** Enough for every round of many resumed runs; the report of each is a few KB per command. */
const MAX_ROUNDS = 100;

export function registerProjectVerificationRoutes(ctx: ApiContext): void {
  const { api, engine, projects, access, audit } = ctx;
  // The API reads the table whether or not this process runs verify jobs.
  const records = engine.verifications;

  api.route(
    {
      method: 'get',
      path: '/api/projects/:id/verification',
      operationId: 'getVerification',
      summary: 'Whether the software runs: the latest verification and every round',
      description: 'Per round: the toolchain profile, each command (phase, exit code, duration, test counts, the limit it hit, the tail of its output), the isolation in force and the dependencies the registry did not have.',
      tag: 'runs',
      auth: 'user',
      params: projectIdParams,
      responses: { 200: { description: '`{latest: null, rounds: []}` when the project was never verified', schema: projectVerificationSchema } },
    },
    async ({ params, user }, _req, res) => {
      await access.check(user(), params.id);
      const rounds = (await records.list(params.id)).slice(0, MAX_ROUNDS).map(verificationRoundView);
      res.json({ latest: rounds[0] ?? null, rounds });
    },
  );

  api.route(
    {
      method: 'post',
      path: '/api/projects/:id/accept',
      operationId: 'acceptProject',
      summary: 'Accept software that did not pass its checks: a verification_failed project becomes completed',
      tag: 'projects',
      auth: 'user',
      params: projectIdParams,
      responses: { 200: { description: 'the project, completed', schema: projectSchema }, 409: { description: 'the project is not verification_failed' } },
    },
    async ({ params, user }, req, res) => {
      await access.check(user(), params.id);
      const project = await projects.accept(params.id);
      await audit.record(req, res, { action: 'project.accept', targetType: 'project', targetId: params.id });
      res.json(projectView(await withSpent(engine.sql, project)));
    },
  );
}
