/**
 * Text edits over one source text, composed from the inside out: an edit that replaces a range
 * takes in the edits already made inside it (its replacement is computed from `textOf`, which
 * applies them), so a handler rewritten around a rewritten call comes out whole.
 */

export interface Edit {
  start: number;
  end: number;
  text: string;
}

export class EditList {
  private edits: Edit[] = [];

  constructor(private readonly source: string) {}

  /** Inside [start, end): edits strictly within, and insertions anywhere but at the very ends. */
  private within(e: Edit, start: number, end: number): boolean {
    if (e.start === e.end) return e.start > start && e.start < end;
    return e.start >= start && e.end <= end;
  }

  /** The source of [start, end) with the edits inside it applied. */
  textOf(start: number, end: number): string {
    const inner = this.edits.filter((e) => this.within(e, start, end));
    return apply(this.source.slice(start, end), inner.map((e) => ({ ...e, start: e.start - start, end: e.end - start })));
  }

  /** Replaces [start, end) (its inner edits are part of `text` now). */
  replace(start: number, end: number, text: string): void {
    this.edits = this.edits.filter((e) => !this.within(e, start, end));
    this.edits.push({ start, end, text });
  }

  insert(at: number, text: string): void {
    const same = this.edits.find((e) => e.start === at && e.end === at);
    if (same) same.text += text;
    else this.edits.push({ start: at, end: at, text });
  }

  get size(): number {
    return this.edits.length;
  }

  result(): string {
    return apply(this.source, this.edits);
  }
}

function apply(text: string, edits: readonly Edit[]): string {
  // From the end, so earlier offsets stay valid; at one offset, a replacement before an insertion,
  // which therefore lands in front of it.
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - b.start - (a.end - a.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}
