/** Keeps the last `limit` bytes of a stream and counts the rest: a command's output is capped, never buffered whole. */
export class OutputTail {
  private chunks: Buffer[] = [];
  private kept = 0;
  total = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.kept - (this.chunks[0]?.length ?? 0) >= this.limit && this.chunks.length > 1) {
      this.kept -= this.chunks.shift()?.length ?? 0;
    }
  }

  get truncated(): boolean {
    return this.total > this.limit;
  }

  /** The kept tail as text (a cut multi-byte character at the start is dropped). */
  text(): string {
    const all = Buffer.concat(this.chunks);
    const tail = all.length > this.limit ? all.subarray(all.length - this.limit) : all;
    return tail.toString('utf8').replace(/^\uFFFD+/, '');
  }
}
