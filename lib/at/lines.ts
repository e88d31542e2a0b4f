// Line reader: UART chunks in any split -> complete lines, with a fixed bound on the line being built.
// The module frames replies as \r\n<line>\r\n; we accept \r, \n or both, and skip empty lines, so a
// \r\n pair split across two chunks costs nothing special.

export const LINE_MAX_CHARS = 1100; // "+CTM2MRECV: " + 1024 hex digits, or the echo of a full AT+CTM2MSEND

export class LineReader {
  private partial: string;
  private dropping: boolean;
  private maxChars: number;
  private onLine: (line: string) => void;
  /** Lines dropped because they grew past maxChars (counted when the bound is crossed). */
  overflows: number;

  constructor(onLine: (line: string) => void, maxChars: number) {
    this.partial = "";
    this.dropping = false;
    this.maxChars = maxChars;
    this.onLine = onLine;
    this.overflows = 0;
  }

  /** Characters held for the unfinished line (never more than maxChars). */
  pendingChars(): number {
    return this.partial.length;
  }

  feed(chunk: string): void {
    const n = chunk.length;
    let pos = 0;
    let cr = chunk.indexOf("\r");
    let lf = chunk.indexOf("\n");
    while (pos < n) {
      if (cr >= 0 && cr < pos) cr = chunk.indexOf("\r", pos);
      if (lf >= 0 && lf < pos) lf = chunk.indexOf("\n", pos);
      let end = cr < 0 ? lf : lf < 0 ? cr : cr < lf ? cr : lf;
      if (end < 0) {
        this.grow(chunk, pos, n);
        return;
      }
      this.grow(chunk, pos, end);
      this.endLine();
      pos = end + 1;
    }
  }

  /** Forget the unfinished line (after a module reboot the bytes before it mean nothing). */
  reset(): void {
    this.partial = "";
    this.dropping = false;
  }

  private grow(chunk: string, from: number, to: number): void {
    if (to <= from || this.dropping) return;
    if (this.partial.length + (to - from) > this.maxChars) {
      // Drop now rather than at the line end, so the buffer never exceeds the bound and an endless
      // line is counted even if its end never comes.
      this.partial = "";
      this.dropping = true;
      this.overflows++;
      return;
    }
    this.partial = this.partial.length === 0 && from === 0 && to === chunk.length ? chunk : this.partial + chunk.substring(from, to);
  }

  private endLine(): void {
    if (this.dropping) {
      this.dropping = false;
      return;
    }
    const line = this.partial;
    if (line.length === 0) return;
    this.partial = "";
    this.onLine(line);
  }
}
