/** A platform connection: translates platform events into bot requests and renders replies. */
export interface Adapter {
  readonly name: string;
  /** Connects and serves until stopped (or, for the console, until input ends). */
  start(signal?: AbortSignal): Promise<void>;
  /** Stops taking requests and disconnects. */
  stop(): Promise<void>;
}
