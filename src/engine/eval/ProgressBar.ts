/**
 * A one-line progress bar for a terminal. It draws only on a TTY (carriage return + erase line);
 * when the stream is a pipe or a file it writes nothing, so logs never get escape codes. It
 * redraws only when what it shows changes.
 */
export interface ProgressBarOptions {
  write: (text: string) => void;
  /** Whether the stream is a terminal; without one nothing is written. */
  tty: boolean;
  /** Characters of the bar. @defaultValue 30 */
  width?: number;
}

export class ProgressBar {
  private readonly write: (text: string) => void;
  private readonly tty: boolean;
  private readonly width: number;
  private shown = "";

  constructor({ write, tty, width = 30 }: ProgressBarOptions) {
    this.write = write;
    this.tty = tty;
    this.width = width;
  }

  update(done: number, total: number, label = ""): void {
    if (!this.tty || total <= 0) return;
    const share = Math.min(1, Math.max(0, done / total));
    const filled = Math.round(share * this.width);
    const line = `[${"#".repeat(filled)}${"-".repeat(this.width - filled)}] ${done}/${total}${label ? ` ${label}` : ""}`;
    if (line === this.shown) return;
    this.shown = line;
    this.write(`\r\x1b[2K${line}`);
  }

  /** Removes the bar (before the report is printed). */
  clear(): void {
    if (!this.tty || this.shown === "") return;
    this.write("\r\x1b[2K");
    this.shown = "";
  }
}
