/**
 * Streams growing text into a message that can only be edited so often: collects chunks and
 * calls `edit` with the whole text at most once per interval (platform rate limits), always
 * ending with the latest text on `flush()`.
 */
export class ThrottledEditor {
  private text = "";
  private shown = "";
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private lastEdit = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly edit: (text: string) => Promise<void>,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  get current(): string {
    return this.text;
  }

  push(chunk: string): void {
    this.text += chunk;
    if (this.timer) return;
    const wait = Math.max(0, this.lastEdit + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.send();
    }, wait);
  }

  /** Stops scheduling and waits for the last edit (without sending a new one). */
  async finish(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private send(): void {
    if (this.text === this.shown) return;
    const text = this.text;
    this.lastEdit = Date.now();
    this.inFlight = this.inFlight
      .then(() => this.edit(text))
      .then(
        () => {
          this.shown = text;
        },
        (error: unknown) => this.onError(error),
      );
  }
}
