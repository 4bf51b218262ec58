/**
 * Domain entities of a request written as prose (no `## Entities` list): the nouns compromise's
 * part-of-speech tagger finds, singularised, minus pronouns, acronyms and the words that name the
 * software itself or its technology ("app", "tool", "API", "file"). Ranked by how often they occur,
 * then by first mention, so "teams track tasks and assign them to members" → Task, Team, Member
 * in a stable order. Only prose is read: headings and fenced code are skipped, and the text is cut
 * to a bound so an untrusted request cannot make the tagger run long.
 */
import nlp from 'compromise';
import { pascalCase, singularize } from './naming.js';

/** Enough for any real request; the tagger's cost grows with the text. */
const MAX_PROSE_CHARS = 20_000;
export const MAX_PROSE_ENTITIES = 8;

/** Nouns that describe the software, its parts or its technology rather than the domain. */
const NOT_DOMAIN = new Set(
  (
    'app application tool program software system platform service website site web page screen view ui interface api endpoint server backend frontend client ' +
    'database storage cli command line terminal console script library module package function class method sdk code test feature option flag argument ' +
    'data information file folder directory input output format text json csv yaml xml http rest python typescript javascript node react docker ' +
    'column row range total average count way thing stuff lot kind type part number time day week month year people someone anyone everyone something anything everything nothing use ' +
    'user interface login sign support example request version error message result summary detail value field name list set'
  ).split(' '),
);

/** A first line of a few words without a full stop is the request's title, not prose ("Gym tracker"). */
function isTitleLine(line: string): boolean {
  const words = line.trim().split(/\s+/);
  return words.length <= 8 && !/[.!?:;]$/.test(line.trim());
}

function proseOnly(text: string): string {
  const kept: string[] = [];
  let inFence = false;
  let first = true;
  for (const line of text.slice(0, MAX_PROSE_CHARS).split('\n')) {
    const trimmed = line.trimStart();
    if (first && trimmed !== '') {
      first = false;
      if (isTitleLine(trimmed)) continue;
    }
    if (trimmed.startsWith('```') || trimmed.startsWith('~~~')) {
      inFence = !inFence;
      continue;
    }
    if (inFence || trimmed.startsWith('#')) continue;
    kept.push(line);
  }
  return kept.join('\n');
}

interface TermJson {
  normal?: string;
  tags?: string[];
}

/** Singular form by compromise's own inflector ("bookings" → "booking", "categories" → "category"). */
function singular(word: string, plural: boolean): string {
  const form = nlp(word).nouns().toSingular().text('normal');
  // A lone word can be tagged a verb ("reports"): the project's own rule singularises it then.
  if (form === '' || form === word) return plural || word.endsWith('s') ? singularize(word) : word;
  return form;
}

export function proseEntities(text: string, limit = MAX_PROSE_ENTITIES): string[] {
  const counts = new Map<string, { count: number; first: number }>();
  const sentences = nlp(proseOnly(text)).json({ terms: { normal: true, tags: true } }) as Array<{ terms?: TermJson[] }>;
  let position = 0;
  for (const sentence of sentences) {
    for (const term of sentence.terms ?? []) {
      position++;
      const tags = term.tags ?? [];
      const word = term.normal ?? '';
      if (!tags.includes('Noun') || tags.some((tag) => tag === 'Pronoun' || tag === 'Acronym' || tag === 'Hyphenated' || tag === 'Possessive' || tag === 'Value')) continue;
      if (!/^[a-z]{3,30}$/.test(word)) continue;
      const base = singular(word, tags.includes('Plural'));
      if (NOT_DOMAIN.has(base) || NOT_DOMAIN.has(word)) continue;
      const seen = counts.get(base);
      if (seen) seen.count++;
      else counts.set(base, { count: 1, first: position });
    }
  }
  return [...counts.entries()]
    .sort(([, a], [, b]) => b.count - a.count || a.first - b.first)
    .slice(0, limit)
    .map(([word]) => pascalCase(word));
}
