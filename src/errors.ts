/** Base of every error sidbot throws on purpose; `code` is stable and used for user-facing messages. */
export class SidbotError extends Error {
  override name = "SidbotError";
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A setting in config/ or the environment is wrong; the message names the key. */
export class ConfigError extends SidbotError {
  override name = "ConfigError";
  constructor(
    readonly key: string,
    message: string,
  ) {
    super("config_invalid", message);
  }
}

/** The catalog file cannot be used (unreadable, unknown format, no valid rows, duplicate SIDs). */
export class CatalogError extends SidbotError {
  override name = "CatalogError";
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super("catalog_invalid", message, options);
  }
}

/** The model file is missing, corrupt or could not be loaded. */
export class ModelLoadError extends SidbotError {
  override name = "ModelLoadError";
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super("model_load_failed", message, options);
  }
}

/**
 * The model's process died or is restarting, or no model worker can take the request; the
 * catalog answers meanwhile. `reason` labels the fallback in the metrics.
 */
export class ModelUnavailableError extends SidbotError {
  override name = "ModelUnavailableError";
  constructor(
    message: string,
    readonly reason: "unavailable" | "no-worker" | "worker-crash" | "catalog-mismatch" | "timeout" | "redis" = "unavailable",
  ) {
    super("model_unavailable", message);
  }
}

/** The shared queue of model requests is full: the person is asked to try again shortly. */
export class EngineBusyError extends SidbotError {
  override name = "EngineBusyError";
  constructor(readonly waiting: number) {
    super("engine_busy", `${waiting} requests are waiting for a model worker`);
  }
}

/** A chat platform refused to start (bad token, missing intent); the message says what to fix. */
export class PlatformStartError extends SidbotError {
  override name = "PlatformStartError";
  constructor(
    readonly platform: "discord" | "slack",
    message: string,
    options?: { cause?: unknown },
  ) {
    super("platform_start_failed", message, options);
  }
}

/** Work cancelled because sidbot (or one platform adapter) is stopping; used as an abort reason. */
export class ShutdownError extends SidbotError {
  override name = "ShutdownError";
  constructor(message = "sidbot is shutting down") {
    super("shutting_down", message);
  }
}

/** A call to a platform or service took longer than it is allowed to. */
export class TimeoutError extends SidbotError {
  override name = "TimeoutError";
  constructor(
    message: string,
    readonly limitMs: number,
  ) {
    super("timeout", message);
  }
}

/** A chat platform broke off or refused a step after start-up (a socket closed, an old token). */
export class PlatformError extends SidbotError {
  override name = "PlatformError";
  constructor(
    readonly platform: "discord" | "slack",
    message: string,
    options?: { cause?: unknown },
  ) {
    super("platform_failed", message, options);
  }
}

/** Short text for logs when something unknown was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
