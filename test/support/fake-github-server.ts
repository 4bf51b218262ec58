/**
 * A fake GitHub REST API on 127.0.0.1 (port 0), enough for @octokit/rest's calls of the
 * arbitrator: create an issue, list issues (state and labels filters, one page), comment on it,
 * update (close) it, and read a collaborator's
 * permission level. A token is required (`authorization: token …` or bearer); every request is
 * recorded. Permissions come from `permissions` (default `read`, as GitHub answers for a
 * non-collaborator on a public repository).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from './loopback-server.js';

export interface GithubRequest {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
}

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  html_url: string;
  labels: string[];
  comments: string[];
}

export class FakeGithubServer extends LoopbackServer {
  static readonly token = 'ghp_fake_token';
  private static issueCounter = 0;
  readonly requests: GithubRequest[] = [];
  readonly issues = new Map<number, FakeIssue>();
  readonly permissions = new Map<string, 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none'>();
  protected async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw === '' ? undefined : (JSON.parse(raw) as Record<string, unknown>);
    const path = new URL(req.url ?? '/', this.url).pathname;
    const method = req.method ?? 'GET';
    this.requests.push({ method, path, body });
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(payload));
    };
    const auth = req.headers.authorization ?? '';
    if (auth !== `token ${FakeGithubServer.token}` && auth !== `bearer ${FakeGithubServer.token}` && auth !== `Bearer ${FakeGithubServer.token}`) {
      return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    }
    let match: RegExpExecArray | null;
    if (method === 'POST' && (match = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(path))) {
      // Numbers unique across servers: the run's database outlives one fake server.
      FakeGithubServer.issueCounter += 1;
      const number = FakeGithubServer.issueCounter;
      const labels = Array.isArray(body?.labels) ? body.labels.filter((l): l is string => typeof l === 'string') : [];
      const issue: FakeIssue = { number, title: text(body?.title), body: text(body?.body), state: 'open', html_url: `https://github.test/${match[1]}/${match[2]}/issues/${number}`, labels, comments: [] };
      this.issues.set(number, issue);
      return send(201, { id: 1000 + number, number, title: issue.title, body: issue.body, state: issue.state, html_url: issue.html_url });
    }
    if (method === 'GET' && /^\/repos\/[^/]+\/[^/]+\/issues$/.test(path)) {
      const query = new URL(req.url ?? '/', this.url).searchParams;
      const state = query.get('state') ?? 'open';
      const labels = (query.get('labels') ?? '').split(',').filter((l) => l !== '');
      const listed = [...this.issues.values()].filter((i) => (state === 'all' || i.state === state) && labels.every((l) => i.labels.includes(l)));
      return send(200, listed.map((i) => ({ number: i.number, title: i.title, body: i.body, state: i.state, html_url: i.html_url, labels: i.labels.map((name) => ({ name })) })));
    }
    if (method === 'POST' && (match = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(path))) {
      const issue = this.issues.get(Number(match[1]));
      if (!issue) return send(404, { message: 'Not Found' });
      issue.comments.push(text(body?.body));
      return send(201, { id: 5000 + issue.comments.length, body: body?.body });
    }
    if (method === 'PATCH' && (match = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)$/.exec(path))) {
      const issue = this.issues.get(Number(match[1]));
      if (!issue) return send(404, { message: 'Not Found' });
      if (body?.state === 'closed' || body?.state === 'open') issue.state = body.state;
      return send(200, { number: issue.number, state: issue.state, html_url: issue.html_url });
    }
    if (method === 'GET' && (match = /^\/repos\/[^/]+\/[^/]+\/collaborators\/([^/]+)\/permission$/.exec(path))) {
      const login = decodeURIComponent(match[1] ?? '');
      const permission = this.permissions.get(login) ?? 'read';
      const legacy = permission === 'maintain' ? 'write' : permission === 'triage' ? 'read' : permission;
      return send(200, { permission: legacy, role_name: permission, user: { login } });
    }
    send(404, { message: 'Not Found' });
  }
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
