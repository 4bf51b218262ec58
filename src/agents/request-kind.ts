/**
 * What kind of software a request asks for, and in which language. Deterministic and linear:
 * every pattern is a plain alternation of words between `\b`s (no nested or adjacent unbounded
 * quantifiers), each is run once over the text, and where several kinds (or languages) are named
 * the one mentioned first wins — the pitch names the kind before the details mention others.
 *
 * The kind and language choose the toolchain profile and its workspace layout: a Python request,
 * or a command-line tool / library / script that names no language, is a Python program (the one
 * profile with a program layout); TypeScript/Node, or a web app or API that names no language,
 * is the Node/TypeScript profile; any other named language is built but has no profile, so its
 * verification says plainly that it could not be verified.
 */

export type RequestKind = 'web-app' | 'api' | 'cli' | 'library' | 'script';

/** Kinds that are a program rather than a served application. */
export const PROGRAM_KINDS: ReadonlySet<RequestKind> = new Set(['cli', 'library', 'script']);

const KIND_PATTERNS: ReadonlyArray<readonly [RequestKind, RegExp]> = [
  ['cli', /\b(?:cli|command[- ]line|terminal (?:tool|app|program)|console (?:tool|app|program))\b/i],
  ['library', /\b(?:library|sdk|python (?:package|module)|npm package|importable module)\b/i],
  ['script', /\b(?:script|data[- ]processing|etl|batch job|processes (?:a|an|the|each) (?:csv|json|log|input|data) files?)\b/i],
  ['api', /\b(?:api[- ]only|rest api|json api|http api|web api|backend[- ]only|headless)\b/i],
  ['web-app', /\b(?:web ?app|web application|website|single[- ]page app|dashboard|front[- ]?end)\b/i],
];

/** Languages and runtimes a request may name; `node` only as Node.js, `go` only as Go the language. */
const LANGUAGE_PATTERNS: ReadonlyArray<readonly [string, RegExp]> = [
  ['python', /\b(?:python3?|django|flask|fastapi)\b/i],
  ['typescript', /\b(?:typescript|node\.?js|node js|javascript|express|react)\b/i],
  ['rust', /\brust\b/i],
  ['go', /\b(?:golang|(?:in|using|written in) go)\b/i],
  ['java', /\b(?:java|spring boot|kotlin)\b/i],
  ['csharp', /(?:\bc#|\.net\b|\bdotnet\b)/i],
  ['ruby', /\b(?:ruby|rails)\b/i],
  ['php', /\b(?:php|laravel)\b/i],
  ['elixir', /\b(?:elixir|phoenix)\b/i],
];

/** The entry of `patterns` whose first match comes earliest in the text. */
function firstNamed<T>(text: string, patterns: ReadonlyArray<readonly [T, RegExp]>): T | undefined {
  let best: { value: T; at: number } | undefined;
  for (const [value, pattern] of patterns) {
    const at = text.search(pattern);
    if (at !== -1 && (best === undefined || at < best.at)) best = { value, at };
  }
  return best?.value;
}

export interface KindHints {
  /** A page section or page words: the request wants a web client. */
  hasFrontend: boolean;
  hasApi: boolean;
}

/** The kind the text names first; else an API when it wants one without a web client; else a web app. */
export function detectKind(text: string, hints: KindHints): RequestKind {
  const named = firstNamed(text, KIND_PATTERNS);
  if (named !== undefined) return named;
  return hints.hasApi && !hints.hasFrontend ? 'api' : 'web-app';
}

/** The language the text names first (lower-case id, e.g. `python`, `typescript`, `rust`), if any. */
export function detectLanguage(text: string): string | undefined {
  return firstNamed(text, LANGUAGE_PATTERNS);
}

/** The toolchain profiles src/verification/profiles can prove; a stack decision names one. */
export type ProfileId = 'node-typescript' | 'python';

export interface StackChoice {
  /** The toolchain profile, or null when the named language has none. */
  profile: ProfileId | null;
  /** What the stack decision records as its choice: the profile id, or the language named. */
  choice: string;
}

export function stackFor(kind: RequestKind, language: string | undefined): StackChoice {
  if (language === 'python') return { profile: 'python', choice: 'python' };
  if (language === 'typescript') return { profile: 'node-typescript', choice: 'node-typescript' };
  if (language !== undefined) return { profile: null, choice: language };
  return PROGRAM_KINDS.has(kind) ? { profile: 'python', choice: 'python' } : { profile: 'node-typescript', choice: 'node-typescript' };
}
