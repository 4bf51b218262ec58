/**
 * A strict reader of the Prometheus text exposition format (0.0.4): every line must be a HELP,
 * a TYPE, or a sample `name{label="value",…} value`; a sample must belong to a declared family.
 */
export interface Family {
  type: string;
  help: string;
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

// A letter, `_` or `:`, then word characters or `:` (Prometheus metric names).
const NAME = '(?:[^\\W\\d]|:)[\\w:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`);
const LABEL = /([a-z_]\w*)="((?:[^"\\]|\\.)*)",?/giy;
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', ''];

export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { type: 'untyped', help: '', samples: [] }));
    return f;
  };
  for (const [index, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const meta = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`).exec(line);
    if (meta) {
      const f = family(meta[2] ?? '');
      if (meta[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(meta[3] ?? '')) throw new Error(`line ${index + 1}: bad type ${meta[3]}`);
        f.type = meta[3] ?? '';
      } else f.help = meta[3] ?? '';
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`line ${index + 1} is not a sample: ${line}`);
    const [, name = '', body = '', raw = ''] = sample;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    if (Number.isNaN(value) && raw !== 'NaN') throw new Error(`line ${index + 1}: bad value ${raw}`);
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    let consumed = 0;
    for (let m = LABEL.exec(body); m; m = LABEL.exec(body)) {
      labels[m[1] ?? ''] = m[2] ?? '';
      consumed = LABEL.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`line ${index + 1}: bad labels ${body}`);
    const owner = SUFFIXES.map((s) => (s && name.endsWith(s) ? name.slice(0, -s.length) : name)).find((n) => families.has(n));
    if (!owner) throw new Error(`line ${index + 1}: sample ${name} has no HELP/TYPE`);
    families.get(owner)?.samples.push({ name, labels, value });
  }
  return families;
}
