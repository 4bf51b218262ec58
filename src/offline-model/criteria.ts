/**
 * Facts about the request that several offline generators report: the acceptance criteria (with
 * the stable ids the test generators cite), the stated requirements, and the open questions.
 */
import { ENTITY_SECTION, PAGE_SECTION, listItems, outlineRequest } from '../agents/request-analysis.js';
import type { RequestAnalysis } from '../agents/types.js';
import { domainModel } from './domain.js';

export interface Criterion {
  id: string;
  /** The entity or page it is about, or `general`. */
  about: string;
  text: string;
}

export function acceptanceCriteria(analysis: RequestAnalysis): Criterion[] {
  const drafts: Array<Omit<Criterion, 'id'>> = [];
  for (const entity of domainModel(analysis).entities) {
    const required = entity.scalars.filter((field) => field.required && field.type !== 'Boolean').map((field) => field.name);
    if (analysis.hasApi) {
      drafts.push(
        { about: entity.name, text: `Given a valid ${entity.name}, when it is created, then the API answers 201 with the stored ${entity.name} and its id.` },
        ...required.map((field) => ({ about: entity.name, text: `Given a ${entity.name} without ${field}, when it is created, then the API answers 400 naming ${field}.` })),
        { about: entity.name, text: `Given stored ${entity.plural}, when they are listed, then at most one page of results is returned, newest first.` },
        { about: entity.name, text: `Given a stored ${entity.name}, when it is updated or deleted, then the change is visible on the next read (deleted: 404).` },
      );
    } else {
      drafts.push({ about: entity.name, text: `Given the ${entity.name} records, when one is created, changed or removed, then the change is kept.` });
    }
  }
  for (const page of analysis.pages) {
    const says = analysis.pageDescriptions?.[page];
    drafts.push({ about: page, text: `Given the web client, when the ${page} page opens, then its heading names it${says ? ` and it shows ${says}` : ''}.` });
  }
  if (analysis.hasApi) drafts.push({ about: 'general', text: 'Given no or an invalid bearer token, when any resource is requested, then the API answers 401.' });
  if (analysis.realtime) drafts.push({ about: 'general', text: 'Given two signed-in sessions, when one changes a record the other may see, then the other is notified without reloading.' });
  for (const integration of analysis.integrations) {
    drafts.push({ about: 'general', text: `Given ${integration} is unavailable, when the application calls it, then the user sees a clear error and no data is lost.` });
  }
  return drafts.map((draft, index) => ({ id: `AC-${String(index + 1).padStart(3, '0')}`, ...draft }));
}

/** The request's own bullet points outside its entity and page lists, verbatim. */
export function statedRequirements(requirements: string): string[] {
  return outlineRequest(requirements)
    .sections.filter((section) => !ENTITY_SECTION.test(section.heading) && !PAGE_SECTION.test(section.heading))
    .map((section) => {
      // Only the section's own lines: its sub-sections are sections of their own.
      const end = section.lines.findIndex((line) => /^#{1,6}\s/.test(line));
      return { ...section, lines: end === -1 ? section.lines : section.lines.slice(0, end) };
    })
    .flatMap((section) => listItems(section).map((item) => (item.detail ? `${item.name}: ${item.detail}` : item.name)))
    .filter((item) => item !== '');
}

export function openQuestions(analysis: RequestAnalysis, requirements: string): string[] {
  const questions: string[] = [];
  const model = domainModel(analysis);
  for (const entity of model.entities) {
    if (entity.scalars.length === 0 && entity.relations.length === 0) questions.push(`Which fields does a ${entity.name} have? The request names none.`);
  }
  if (analysis.entities.length === 0 && analysis.hasDatabase) questions.push('Which records does the application store? The request names no entities.');
  const auth = /\b(?:log ?in|sign ?in|auth\w*|accounts?|users?)\b/i.test(requirements);
  if (auth && !analysis.entities.includes('User')) questions.push('Where do user accounts live? Sign-in is mentioned but there is no User entity.');
  if (analysis.hasFrontend && analysis.pageDescriptions && Object.keys(analysis.pageDescriptions).length === 0) {
    questions.push('What does each page show? The request lists no page descriptions.');
  }
  if (/\broles?\b|\badmin\b/i.test(requirements)) questions.push('Which roles exist and what may each do? The request mentions roles or admins but gives no permission table.');
  return questions;
}
