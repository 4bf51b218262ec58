/**
 * Offline generators of stage 10, Quality Assurance. These are mechanical checks over the files
 * in the agent's context, reported honestly as such: what was looked at, what matched, where.
 */
import type { AgentTask, ContextFile } from '../agents/agent-task.js';
import type { AgentOutput } from '../agents/output.js';
import { bullets, file, output, type RoleGenerator } from './scaffold.js';

interface Finding {
  severity: 'high' | 'medium' | 'low';
  where: string;
  what: string;
}

const SEVERITY_ORDER = { high: 0, medium: 1, low: 2 };

function grep(files: ContextFile[], pattern: RegExp): Array<{ path: string; line: number; text: string }> {
  return files.flatMap((candidate) =>
    candidate.content.split('\n').flatMap((text, index) => (pattern.test(text) ? [{ path: candidate.path, line: index + 1, text: text.trim() }] : [])),
  );
}

function sources(task: AgentTask): ContextFile[] {
  return task.context.filter((candidate) => /^(?:src|web\/src)\//.test(candidate.path));
}

function header(task: AgentTask, title: string, seen: number): string[] {
  return [`# ${task.analysis.title}: ${title}`, '', `Mechanical checks by the offline model over ${seen} file(s) in context; not a substitute for a human review.`];
}

const codeReviewAgent: RoleGenerator = (task) => {
  const files = sources(task);
  const findings: Finding[] = [
    ...grep(files, /\/\/ zekka:slot /).map((hit) => ({ severity: 'high' as const, where: `${hit.path}:${hit.line}`, what: `unfilled placeholder \`${hit.text}\`: the agent that owns it did not run` })),
    ...files.filter((candidate) => candidate.content.trim().endsWith('export {};')).map((candidate) => ({ severity: 'medium' as const, where: candidate.path, what: 'empty module' })),
    ...files.filter((candidate) => candidate.content.split('\n').length > 300).map((candidate) => ({ severity: 'medium' as const, where: candidate.path, what: 'over 300 lines: split it' })),
    ...grep(files, /\bTODO\b/).map((hit) => ({ severity: 'low' as const, where: `${hit.path}:${hit.line}`, what: 'TODO left in code' })),
  ].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return output(`Code review of ${files.length} files: ${findings.length} findings.`, [
    file(task, 'docs/qa/code-review.md', [
      ...header(task, 'code review', files.length),
      '',
      ...bullets(findings.map((finding) => `**${finding.severity}** ${finding.where}: ${finding.what}`), '- no findings'),
    ]),
  ]);
};

function check(name: string, applies: boolean, hits: Array<{ path: string; line: number }>, passWhenFound: boolean): string {
  if (!applies) return `| ${name} | not applicable | |`;
  const pass = passWhenFound ? hits.length > 0 : hits.length === 0;
  return `| ${name} | ${pass ? 'pass' : 'FAIL'} | ${hits.slice(0, 3).map((hit) => `${hit.path}:${hit.line}`).join(', ')} |`;
}

const securityAuditAgent: RoleGenerator = (task) => {
  const a = task.analysis;
  const code = sources(task);
  const byPath = (path: string): ContextFile[] => task.context.filter((candidate) => candidate.path === path);
  const app = byPath('src/server/app.ts');
  const hasApp = app.length > 0;
  const rows = [
    check('No hard-coded secrets', code.length > 0, grep(code, /(?:secret|password|api[_-]?key)\s*[:=]\s*['"][^'"]{8,}['"]/i), false),
    check('Every /api route authenticated', a.hasApi && hasApp, grep(app, /api\.use\(authenticate\(\)\)/), true),
    check('Permissions checked (deny by default)', a.hasApi && hasApp, grep(app, /api\.use\(authorize\(\)\)/), true),
    check('Request bodies validated', a.hasApi && hasApp, grep(app, /api\.use\(validateRequests\(\)\)/), true),
    check('Framework banner hidden', a.hasApi && hasApp, grep(app, /x-powered-by/), true),
    check('No raw HTML rendering in the client', a.hasFrontend, grep(code, /dangerouslySetInnerHTML/), false),
    check('Container runs as non-root', byPath('Dockerfile').length > 0, grep(byPath('Dockerfile'), /^USER (?!root)/), true),
    check('.env kept out of the image', byPath('.dockerignore').length > 0, grep(byPath('.dockerignore'), /^\.env$/), true),
  ];
  const failed = rows.filter((row) => row.includes('| FAIL |')).length;
  return output(`Security audit: ${rows.length} checks, ${failed} failed.`, [
    file(task, 'docs/qa/security-audit.md', [...header(task, 'security audit', task.context.length), '', '| check | result | evidence |', '|---|---|---|', ...rows]),
  ]);
};

/**
 * `ALTER TABLE "t" … FOREIGN KEY ("c")` on one line, as `/ALTER TABLE "(\w+)".*FOREIGN KEY \("(\w+)"\)/`
 * read it (the first table, the last key), without the `.*` that made it quadratic on model output.
 */
function foreignKeyOf(line: string): [string, string, string] | null {
  const table = /ALTER TABLE "(\w+)"/.exec(line);
  if (!table) return null;
  const key = [...line.slice(table.index + table[0].length).matchAll(/FOREIGN KEY \("(\w+)"\)/g)].at(-1);
  return key ? [table[0], table[1] ?? '', key[1] ?? ''] : null;
}

const performanceAuditAgent: RoleGenerator = (task) => {
  const controllers = task.context.filter((candidate) => candidate.path.startsWith('src/server/controllers/'));
  const sql = task.context.filter((candidate) => candidate.path.endsWith('.sql'));
  const foreignKeys = grep(sql, /FOREIGN KEY/).map((hit) => foreignKeyOf(hit.text)).filter((match) => match !== null);
  const indexed = sql.map((candidate) => candidate.content).join('\n');
  const unindexed = foreignKeys.filter((match) => !indexed.includes(`ON "${match[1]}"("${match[2]}")`)).map((match) => `${match[1]}.${match[2]}`);
  const unbounded = controllers.filter((candidate) => candidate.content.includes('findMany(') && !/take|pageOf/.test(candidate.content)).map((candidate) => candidate.path);
  const vite = task.context.find((candidate) => candidate.path === 'web/vite.config.ts');
  const results = [
    `Paginated lists: ${controllers.length === 0 ? 'no controllers seen' : unbounded.length === 0 ? `pass (${controllers.length} controllers)` : `FAIL: ${unbounded.join(', ')}`}`,
    `Foreign keys indexed: ${foreignKeys.length === 0 ? 'no foreign keys seen' : unindexed.length === 0 ? `pass (${foreignKeys.length})` : `FAIL: ${unindexed.join(', ')}`}`,
    `Client chunking: ${!task.analysis.hasFrontend ? 'not applicable' : vite?.content.includes('manualChunks') ? 'pass (vendor chunk, lazy pages)' : 'no build settings seen'}`,
    'N+1 access patterns: not detectable by these checks; review loops around queries by hand.',
  ];
  return output(`Performance audit: ${results.filter((result) => result.includes('FAIL')).length} failing checks.`, [
    file(task, 'docs/qa/performance-audit.md', [...header(task, 'performance audit', task.context.length), '', ...bullets(results)]),
  ]);
};

const finalValidationAgent: RoleGenerator = (task) => {
  const a = task.analysis;
  // Presence from the map (every file of the workspace), not from the files shown in full.
  const paths = task.map?.map((entry) => entry.path) ?? task.context.map((candidate) => candidate.path);
  const has = (pattern: RegExp): boolean => paths.some((path) => pattern.test(path));
  const deliverables: Array<[name: string, required: boolean, present: boolean]> = [
    ['Requirements (docs/requirements/requirements.md)', true, has(/^docs\/requirements\/requirements\.md$/)],
    ['Architecture (docs/architecture/overview.md)', true, has(/^docs\/architecture\/overview\.md$/)],
    ['Database schema (prisma/schema/<context>.prisma)', a.hasDatabase, has(/^prisma\/schema\/(?!schema\.prisma)[^/]+\.prisma$/)],
    ['API (src/server/app.ts and routes)', a.hasApi, has(/^src\/server\/app\.ts$/) && has(/^src\/server\/routes\/index\.ts$/)],
    ['Web client (web/src/App.tsx and pages)', a.hasFrontend, has(/^web\/src\/App\.tsx$/) && has(/^web\/src\/pages\//)],
    ['Tests (tests/)', true, has(/^tests\//)],
    ['README.md', true, has(/^README\.md$/)],
    ['Dockerfile', true, has(/^Dockerfile$/)],
  ];
  const missing = deliverables.filter(([, required, present]) => required && !present);
  const placeholders =
    task.review?.kind === 'merge'
      ? // Merging the parts' reports: their placeholder bullets, as they listed them.
        [...new Set(grep(task.context, /^- .*\/\/ zekka:slot /).map((hit) => hit.text.slice(2)))]
      : grep(task.context, /\/\/ zekka:slot /).map((hit) => `${hit.path}:${hit.line} \`${hit.text}\``);
  const verdict = missing.length === 0 ? 'PASS' : 'FAIL';
  return output(`Final validation: ${verdict} (${missing.length} required deliverables missing, ${placeholders.length} unfilled placeholders).`, [
    file(task, 'docs/qa/final-validation.md', [
      ...header(task, 'final validation', task.context.length),
      '',
      '| deliverable | required | present |',
      '|---|---|---|',
      ...deliverables.map(([name, required, present]) => `| ${name} | ${required ? 'yes' : 'no'} | ${present ? 'yes' : 'NO'} |`),
      '',
      '## Unfilled placeholders (warnings)',
      '',
      ...bullets(placeholders),
      '',
      `## Verdict: ${verdict}`,
      '',
      missing.length === 0 ? 'Every required deliverable is present.' : `Missing: ${missing.map(([name]) => name).join('; ')}.`,
    ]),
  ]);
};

/**
 * The merge call of a reviewing role judged in parts (src/engine/agent-calls.ts): the offline model
 * does not summarise, it joins the parts' reports in order, each under its part's heading.
 */
export function joinReviewParts(task: AgentTask): AgentOutput {
  const byReport = new Map<string, string[]>();
  for (const part of task.context) {
    const at = part.path.indexOf(' (part ');
    const report = at === -1 ? part.path : part.path.slice(0, at);
    byReport.set(report, [...(byReport.get(report) ?? []), `## ${part.path.slice(report.length).trim().replace(/^\(|\)$/g, '')}`, '', part.content]);
  }
  return output(
    `Joined the reports of ${task.context.length} parts.`,
    [...byReport].map(([path, lines]) => file(task, path, [`# ${task.analysis.title}: ${task.agentId}, ${task.review?.kind === 'merge' ? task.review.parts : 0} parts joined`, '', ...lines])),
  );
}

export const QA_GENERATORS: Record<string, RoleGenerator> = {
  'code-review-agent': codeReviewAgent,
  'security-audit-agent': securityAuditAgent,
  'performance-audit-agent': performanceAuditAgent,
  'final-validation-agent': finalValidationAgent,
};
