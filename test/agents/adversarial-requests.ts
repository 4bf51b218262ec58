/**
 * Requests of a given size, each built to drive one former backtracking pattern of the request
 * analysis (or one quadratic loop around it) into its worst case. Shared by the unit test (200 KB)
 * and the API test, which submits them over HTTP (the API takes at most 100,000 characters).
 */
export function adversarialRequests(size: number): Array<readonly [string, string]> {
  const spaces = ' '.repeat(size);
  const fields = Array.from({ length: Math.floor(size / 7.4) }, (_, n) => `f${n}`).join(', ');
  return [
    // /^(#{1,6})\s+(.*?)\s*#*\s*$/: the lazy group retries both \s* runs at every space (cubic).
    ['heading: # + spaces + non-#', `# a${spaces}b`],
    // outlineRequest: each section searched the rest of the headings for its end (quadratic).
    ['heading: many headings (nested section ends)', '# a\n## b\n'.repeat(size / 9)],
    // /^(\s*)(?:[-*+]|\d+[.)])\s+(.*)$/: \s+ and .* trade spaces when a line terminator stops `.`.
    ['bullet: spaces then U+2028', `# T\n\n- ${spaces}x\u2028y`],
    // plain(): /\[([^\]]*)\]\([^)]*\)/g scans to the end from every `[` or `](`.
    ['plain: paragraph of [', `Title\n\n${'['.repeat(size)}`],
    ['plain: heading of [', `# ${'['.repeat(size)}`],
    ['plain: unclosed links', `Title\n\n${'[]('.repeat(size / 3)}`],
    // splitItem: /^(.+?)\s*(:|—|–|\s-\s|\()\s*(.*)$/ rescans the spaces from every start.
    ['splitItem: entity of spaces', `# T\n\n## Entities\n- a${spaces}b`],
    // parseFields: /\(.*?\)|:.*$/g from every `(`, and a duplicate check over every field so far.
    ['parseFields: run of (', `# T\n\n## Entities\n- Task: ${'('.repeat(size)}`],
    ['parseFields: thousands of fields', `# T\n\n## Entities\n- Task: ${fields}`],
    // naming: /([A-Z]+)([A-Z][a-z])/g and /^(.*?)([A-Za-z]+)$/ on long names.
    ['naming: capital run', `# T\n\n## Entities\n- ${'A'.repeat(size)}`],
    ['naming: letters ending in a digit', `# T\n\n## Entities\n- ${'a'.repeat(size)}1`],
    // pages: /\s+(page|screen|view)$/i from every space of a run.
    ['pages: name of spaces', `# T\n\n## Pages\n- a${spaces}b`],
  ];
}
