/**
 * Name forms shared by the request analysis, agent selection and the offline model, so an entity
 * called `TaskList` is `task-list` in a file name, `taskList` in code and `taskLists` as a resource
 * everywhere. Everything is ASCII: accents are folded, other characters become separators.
 */

function words(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    // `HTTPServer` → `HTTP Server`; a lookahead instead of `([A-Z]+)([A-Z][a-z])`, which was quadratic on long capital runs.
    .replace(/([A-Z])(?=[A-Z][a-z])/g, '$1 ')
    .split(/[^A-Z0-9]+/i)
    .filter((word) => word.length > 0);
}

/** `Task list` / `TaskList` → `task-list`; empty when nothing alphanumeric remains. */
export function kebabCase(text: string): string {
  return words(text)
    .map((word) => word.toLowerCase())
    .join('-');
}

/** `task list` / `task-list` → `TaskList`; a leading digit gets an `N` so it stays an identifier. */
export function pascalCase(text: string): string {
  const joined = words(text)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase())
    .join('');
  return /^\d/.test(joined) ? `N${joined}` : joined;
}

/** Like pascalCase but keeps the inner capitals of a single camel-cased word (`dueDate` stays). */
export function camelCase(text: string): string {
  const pascal = pascalCase(text);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

const IRREGULAR_PLURALS: Record<string, string> = {
  person: 'people',
  child: 'children',
  man: 'men',
  woman: 'women',
  status: 'statuses',
  analysis: 'analyses',
};
const IRREGULAR_SINGULARS = Object.fromEntries(Object.entries(IRREGULAR_PLURALS).map(([s, p]) => [p, s]));

/**
 * The trailing run of ASCII letters and what precedes it, as `/^(.*?)([A-Za-z]+)$/` split it
 * (that pattern was quadratic on long runs of letters ending in a non-letter): undefined when
 * the word does not end in a letter or a line terminator precedes its last letters.
 */
function lastWord(word: string): { head: string; last: string } | undefined {
  let start = word.length;
  while (start > 0 && /[A-Z]/i.test(word.charAt(start - 1))) start--;
  if (start === word.length) return undefined;
  const head = word.slice(0, start);
  return /[\n\r\u2028\u2029]/.test(head) ? undefined : { head, last: word.slice(start) };
}

/** English plural of the last word, preserving the case of the rest: `Category` → `Categories`. */
export function pluralize(word: string): string {
  const split = lastWord(word);
  if (!split) return `${word}s`;
  const { head, last } = split;
  const lower = last.toLowerCase();
  const irregular = IRREGULAR_PLURALS[lower];
  if (irregular) return head + last.charAt(0) + irregular.slice(1);
  if (/[^aeiou]y$/i.test(last)) return `${head}${last.slice(0, -1)}ies`;
  if (/(?:[sxz]|ch|sh)$/i.test(last)) return `${head}${last}es`;
  return `${head}${last}s`;
}

/** English singular of the last word: `Categories` → `Category`, `Boxes` → `Box`, `Status` stays. */
export function singularize(word: string): string {
  const split = lastWord(word);
  if (!split) return word;
  const { head, last } = split;
  const lower = last.toLowerCase();
  const irregular = IRREGULAR_SINGULARS[lower];
  if (irregular) return head + last.charAt(0) + irregular.slice(1);
  if (/(?:ss|us|is|ics)$/i.test(last) || last.length <= 3) return word;
  if (/[^aeiou]ies$/i.test(last)) return `${head}${last.slice(0, -3)}y`;
  if (/(?:x|z|ch|sh|ss)es$/i.test(last)) return `${head}${last.slice(0, -2)}`;
  if (/s$/i.test(last)) return `${head}${last.slice(0, -1)}`;
  return word;
}

/** `TaskDetail` → `Task Detail`: a PascalCase name as words for headings and labels. */
export function humanize(text: string): string {
  return words(text).join(' ');
}
