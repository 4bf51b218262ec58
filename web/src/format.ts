/** How amounts, sizes and times read on the page. */
export function usd(amount: number): string {
  // Agent calls cost fractions of a cent: show enough digits to see them move.
  const digits = amount !== 0 && Math.abs(amount) < 1 ? 4 : 2;
  return `$${amount.toFixed(digits)}`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function time(iso: string | number): string {
  return new Date(iso).toLocaleTimeString();
}

export function dateTime(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** `needs_review` → `needs review`. */
export function statusLabel(status: string): string {
  return status.replace(/_/g, ' ');
}
