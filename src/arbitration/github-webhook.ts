/**
 * `POST /webhooks/github`: a reviewer's comment on a conflict issue becomes the conflict's answer.
 *
 *   1. the signature (`x-hub-signature-256`, @octokit/webhooks verify with GITHUB_WEBHOOK_SECRET)
 *      must match the raw body, else 401 and nothing is read;
 *   2. only `issue_comment` / `created` on the configured repository counts (others: 202);
 *   3. each comment is claimed once in Redis (SET NX, 7-day TTL) under a key taken from the
 *      signed body — the comment's id, or the body's SHA-256 when it has none — never from the
 *      unsigned `X-GitHub-Delivery` header, which anyone replaying a captured body can change:
 *      a replay or redelivery is a no-op, two comments never share a claim; the claim is
 *      dropped again when applying fails, so GitHub's redelivery can retry;
 *   4. the issue must be a conflict's review issue (Conflict.reviewUrl), the comment a command
 *      (./review-command.ts), and its author allowed to push to the repository;
 *   5. resolveConflict stores the answer atomically (one answer per conflict, whichever replica
 *      gets it) and promotes the arbitration job; the issue gets a comment and is closed.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Webhooks } from '@octokit/webhooks';
import type { BusDeps, EngineDeps, RunRecordDeps, StoreDeps, WorkspaceDeps } from '../engine/engine-deps.js';
import { ConflictError, NotFoundError } from '../errors/app-error.js';
import { resolveConflict, type ReviewAnswer } from './conflict-review.js';
import type { GithubReview } from './github-review.js';
import { parseReviewCommand } from './review-command.js';

export const GITHUB_WEBHOOK_PATH = '/webhooks/github';
const DELIVERY_TTL_SECONDS = 7 * 24 * 3600;
const MAX_BODY_BYTES = 5_000_000;

export interface GithubWebhookOptions {
  secret: string | undefined;
  github: GithubReview;
}

export interface WebhookDelivery {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface WebhookAnswer {
  status: number;
  body: { status: string; detail?: string };
}

interface CommentPayload {
  action?: string;
  repository?: { full_name?: string };
  issue?: { number?: number; html_url?: string; pull_request?: unknown };
  comment?: { id?: number; body?: string; user?: { login?: string; type?: string } };
}

const header = (headers: WebhookDelivery['headers'], name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

export class GithubWebhookHandler {
  private readonly webhooks: Webhooks | undefined;

  constructor(
    private readonly deps: StoreDeps & BusDeps & WorkspaceDeps & RunRecordDeps & Pick<EngineDeps, 'logger' | 'queues'>,
    private readonly options: GithubWebhookOptions,
  ) {
    this.webhooks = options.secret ? new Webhooks({ secret: options.secret }) : undefined;
  }

  async handle(delivery: WebhookDelivery): Promise<WebhookAnswer> {
    const signature = header(delivery.headers, 'x-hub-signature-256');
    if (!this.webhooks) return { status: 503, body: { status: 'error', detail: 'GITHUB_WEBHOOK_SECRET is not configured' } };
    if (!signature || !(await this.verify(delivery.body, signature))) return { status: 401, body: { status: 'error', detail: 'bad or missing signature' } };
    const event = header(delivery.headers, 'x-github-event');
    // Unsigned: only for the log, never for de-duplication.
    const id = header(delivery.headers, 'x-github-delivery');
    if (event === 'ping') return { status: 200, body: { status: 'pong' } };
    let payload: CommentPayload;
    try {
      payload = JSON.parse(delivery.body) as CommentPayload;
    } catch {
      return { status: 400, body: { status: 'error', detail: 'the body is not JSON' } };
    }
    if (event !== 'issue_comment' || payload.action !== 'created') return { status: 202, body: { status: 'ignored', detail: `${event ?? 'unknown'} event` } };

    const key = `${this.deps.namespace}:github:comment:${claimOf(payload, delivery.body)}`;
    const claimed = await this.deps.redis.set(key, '1', 'EX', DELIVERY_TTL_SECONDS, 'NX');
    if (claimed !== 'OK') return { status: 200, body: { status: 'duplicate' } };
    try {
      return await this.apply(payload);
    } catch (error) {
      await this.deps.redis.del(key);
      this.deps.logger.error('github webhook failed', { delivery: id, error: error instanceof Error ? error.message : String(error) });
      return { status: 500, body: { status: 'error', detail: 'could not apply the comment; redeliver to retry' } };
    }
  }

  private async verify(body: string, signature: string): Promise<boolean> {
    try {
      return (await this.webhooks?.verify(body, signature)) === true;
    } catch {
      return false;
    }
  }

  private async apply(payload: CommentPayload): Promise<WebhookAnswer> {
    const { github } = this.options;
    const ignored = (detail: string): WebhookAnswer => ({ status: 200, body: { status: 'ignored', detail } });
    if (payload.repository?.full_name?.toLowerCase() !== github.fullName.toLowerCase()) return ignored('another repository');
    const login = payload.comment?.user?.login;
    if (!login || payload.comment?.user?.type === 'Bot') return ignored('not a person');
    const answer = parseReviewCommand(payload.comment?.body ?? '');
    if (!answer) return ignored('no /zekka command');
    const url = payload.issue?.html_url;
    const issueNumber = payload.issue?.number;
    if (!url || issueNumber === undefined) return ignored('no issue');
    const conflict = await this.deps.prisma.conflict.findFirst({ where: { reviewUrl: url }, orderBy: { createdAt: 'desc' }, select: { id: true, projectId: true } });
    if (!conflict) return ignored('not a conflict issue');
    if (!(await github.canWrite(login))) {
      this.deps.logger.warn('review command from a user without write access ignored', { conflictId: conflict.id, login });
      return ignored('the commenter may not write to the repository');
    }
    try {
      await resolveConflict(this.deps, conflict.projectId, conflict.id, answer);
    } catch (error) {
      if (error instanceof ConflictError || error instanceof NotFoundError) return ignored(error.message);
      throw error;
    }
    await github.closeWithComment(issueNumber, `Applied ${describe(answer)} from @${login}. The project resumes.`);
    return { status: 200, body: { status: 'applied' } };
  }

  /** A node:http route: answers `POST /webhooks/github` and returns true, or returns false for other paths. */
  route(): (req: IncomingMessage, res: ServerResponse) => boolean {
    return (req, res) => {
      if ((req.url ?? '').split('?')[0] !== GITHUB_WEBHOOK_PATH) return false;
      const send = (answer: WebhookAnswer) => {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      };
      if (req.method !== 'POST') {
        send({ status: 405, body: { status: 'error', detail: 'POST only' } });
        return true;
      }
      void readBody(req)
        .then((body) => (body === undefined ? { status: 413, body: { status: 'error', detail: 'body too large' } } : this.handle({ headers: req.headers, body })))
        .then(send, (error: unknown) => {
          this.deps.logger.error('github webhook failed', { error: error instanceof Error ? error.message : String(error) });
          send({ status: 500, body: { status: 'error' } });
        });
      return true;
    };
  }
}

/** What identifies a comment inside the signed body: its id, else the body's digest. */
function claimOf(payload: CommentPayload, body: string): string {
  const commentId = payload.comment?.id;
  return Number.isSafeInteger(commentId) ? `id:${commentId}` : `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

function describe(answer: ReviewAnswer): string {
  return 'take' in answer ? `\`take ${answer.take}\`` : 'the resolved file';
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
