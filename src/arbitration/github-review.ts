/**
 * Human review through GitHub (@octokit/rest): one issue per conflict that needs a person; the
 * webhook (./github-webhook.ts) reads the answer, and this class checks the commenter's
 * permission, comments and closes the issue.
 *
 * The repository is shared by every tenant, so an issue carries only what the reviewer needs:
 * the conflict id, its type and file path, the colliding hunks (./conflict-hunks.ts — never the
 * whole files, the project's name or its requirements, nor the strategies' reasons, which may
 * quote them) and a link to the conflict on the API when PUBLIC_API_URL is configured.
 */
import { Octokit } from '@octokit/rest';
import type { ReviewPublisher, ReviewRequest } from './arbitration-services.js';
import { conflictHunks, type ConflictHunk } from './conflict-hunks.js';

export interface GithubReviewOptions {
  token: string;
  /** `owner/name`. */
  repo: string;
  /** Default https://api.github.com. */
  baseUrl?: string;
  /** Characters of each side of a hunk shown in the issue; longer hunks are cut (the API has the whole file). */
  maxSideChars?: number;
  /** The API's public base URL: the issue links to the conflict there. */
  publicApiUrl?: string;
}

const LABEL = 'zekka-conflict';
/** The hidden line that ties an issue to its conflict. */
const markerOf = (conflictId: string): string => `<!-- zekka-conflict:${conflictId}`;

const WRITE_PERMISSIONS = new Set(['admin', 'maintain', 'write']);

export class GithubReview implements ReviewPublisher {
  readonly owner: string;
  readonly repo: string;
  private readonly octokit: Octokit;
  private readonly maxSideChars: number;
  private readonly publicApiUrl: string | undefined;

  constructor(options: GithubReviewOptions) {
    const [owner, repo] = options.repo.split('/');
    if (!owner || !repo) throw new Error(`GITHUB_REPO must be owner/name, got ${JSON.stringify(options.repo)}`);
    this.owner = owner;
    this.repo = repo;
    this.maxSideChars = options.maxSideChars ?? 20_000;
    this.publicApiUrl = options.publicApiUrl === undefined ? undefined : withoutTrailingSlashes(options.publicApiUrl);
    this.octokit = new Octokit({ auth: options.token, baseUrl: options.baseUrl, userAgent: 'zekka-arbitrator', request: { retries: 0 } });
  }

  get fullName(): string {
    return `${this.owner}/${this.repo}`;
  }

  /**
   * Idempotent: an arbitrator that crashed after creating the issue but before saving its URL
   * finds it again by the conflict's marker among the open conflict issues (listed, not searched:
   * GitHub's search index lags behind).
   */
  async open(request: ReviewRequest): Promise<string> {
    const existing = await this.find(request.conflictId);
    if (existing) return existing;
    const title = `Zekka: resolve ${request.type} conflict ${request.conflictId}`;
    const { data } = await this.octokit.issues.create({ owner: this.owner, repo: this.repo, title, body: this.body(request), labels: [LABEL] });
    return data.html_url;
  }

  private async find(conflictId: string): Promise<string | undefined> {
    const marker = markerOf(conflictId);
    const issues = this.octokit.paginate.iterator(this.octokit.issues.listForRepo, { owner: this.owner, repo: this.repo, labels: LABEL, state: 'open', per_page: 100 });
    for await (const page of issues) {
      const found = page.data.find((issue) => issue.body?.includes(marker));
      if (found) return found.html_url;
    }
    return undefined;
  }

  /** True when the user may push to the repository (write, maintain or admin). */
  async canWrite(username: string): Promise<boolean> {
    try {
      const { data } = await this.octokit.repos.getCollaboratorPermissionLevel({ owner: this.owner, repo: this.repo, username });
      return WRITE_PERMISSIONS.has(data.permission) || WRITE_PERMISSIONS.has(data.role_name);
    } catch (error) {
      if ((error as { status?: number }).status === 404) return false;
      throw error;
    }
  }

  async closeWithComment(issueNumber: number, comment: string): Promise<void> {
    await this.octokit.issues.createComment({ owner: this.owner, repo: this.repo, issue_number: issueNumber, body: comment });
    await this.octokit.issues.update({ owner: this.owner, repo: this.repo, issue_number: issueNumber, state: 'closed', state_reason: 'completed' });
  }

  private body(request: ReviewRequest): string {
    const cut = (text: string) => (text.length > this.maxSideChars ? `${text.slice(0, this.maxSideChars)}\n… (${text.length - this.maxSideChars} more characters)` : text);
    const fenced = (label: string, text: string) => {
      const shown = cut(text);
      const fence = shown.includes('```') ? '~~~~' : '```';
      return `${label}\n\n${fence}\n${shown}\n${fence}`;
    };
    const hunk = (h: ConflictHunk, index: number) =>
      [
        `### Hunk ${index + 1}`,
        '',
        ...(h.base !== undefined ? [fenced(`**Base** (line ${h.baseLine ?? 1}, what both edits started from)`, h.base), ''] : []),
        fenced(`**Ours** (line ${h.oursLine}, the file as it is now)`, h.ours),
        '',
        fenced(`**Theirs** (line ${h.theirsLine}, the colliding edit)`, h.theirs),
      ].join('\n');
    const hunks = conflictHunks(request.base, request.ours, request.theirs);
    const link = this.publicApiUrl ? `${this.publicApiUrl}/api/projects/${request.projectId}/conflicts/${request.conflictId}` : undefined;
    return [
      `Conflict \`${request.conflictId}\` (${request.type}) on \`${request.path ?? request.type}\`: two agents' edits collide and the automatic strategies could not reconcile them.`,
      ...(link ? ['', `The whole conflict (both files, for the project's owner or an admin): ${link}`] : []),
      '',
      ...hunks.map(hunk),
      '',
      '### How to answer',
      '',
      'Someone with write access to this repository comments one of:',
      '',
      '- `/zekka take ours` — keep the file as it is now',
      '- `/zekka take theirs` — use the colliding edit',
      '- `/zekka resolve` followed by the whole resolved file in a fenced code block',
      '',
      'The project waits until then; this issue is closed once the answer is applied.',
      '',
      `${markerOf(request.conflictId)} -->`,
    ].join('\n');
  }
}

function withoutTrailingSlashes(url: string): string {
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  return url.slice(0, end);
}
