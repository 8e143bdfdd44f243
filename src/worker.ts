/**
 * Wiring for `sidbot worker`: config → catalog, model, BullMQ worker, health/metrics. Serves
 * until the lifecycle is asked to stop, then lets running jobs finish (up to
 * `limits.shutdownGraceMs`), cancels the rest and frees the model.
 */
import type { Config, Secrets } from "./config.js";
import { ConfigError } from "./errors.js";
import { catalogFingerprint } from "./engine/catalog/catalogFingerprint.js";
import { openCatalog } from "./engine/catalog/openCatalog.js";
import { SidCodes } from "./engine/model/SidCodes.js";
import type { WorkerCatalog } from "./engine/remote/ModelWorker.js";
import { HealthServer } from "./ops/HealthServer.js";
import { Metrics } from "./ops/Metrics.js";
import type { ProcessLifecycle } from "./ops/ProcessLifecycle.js";
import type { Logger } from "./util/logger.js";

export async function runWorker(config: Config, secrets: Secrets, logger: Logger, lifecycle: ProcessLifecycle): Promise<number> {
  if (!secrets.redisUrl) throw new ConfigError("REDIS_URL", "sidbot worker needs REDIS_URL: the Redis that bots in engine.mode remote use");
  if (!config.model.path) throw new ConfigError("model.path", "sidbot worker needs a model: set MODEL_PATH (or model.path, or --model)");
  const metrics = new Metrics();
  const catalog = await workerCatalog(config, logger);
  // Only workers load node-llama-cpp and BullMQ's worker side.
  const { LlamaBackend } = await import("./engine/model/LlamaBackend.js");
  const { ModelWorker } = await import("./engine/remote/ModelWorker.js");
  const loading = LlamaBackend.load({
    modelPath: config.model.path,
    sids: catalog.sids,
    gpu: config.model.gpu === "off" ? false : config.model.gpu,
    threads: config.model.threads,
    contextSize: config.model.contextSize,
    sequences: config.model.sequences,
    logger,
    signal: lifecycle.stopping,
  });
  // A signal while the model loads stops the load: that is a clean stop, not a failure.
  const model = await loading.catch((error: unknown) => {
    if (lifecycle.stopping.aborted) return undefined;
    throw error;
  });
  if (!model) {
    logger.info({ exitCode: lifecycle.exitCode }, "stopped before serving");
    return lifecycle.exitCode;
  }
  let worker: import("./engine/remote/ModelWorker.js").ModelWorker | undefined;
  let health: HealthServer | undefined;
  try {
    if (lifecycle.stopping.aborted) return lifecycle.exitCode;
    const options = {
      redisUrl: secrets.redisUrl,
      namespace: config.memory.namespace,
      queue: config.engine.queue,
      model,
      modelPath: config.model.path,
      catalog,
      logger,
      metrics,
    };
    // Waits for Redis (a signal meanwhile stops it).
    worker = await ModelWorker.start(options, lifecycle.stopping).catch((error: unknown) => {
      if (lifecycle.stopping.aborted) return undefined;
      throw error;
    });
    if (!worker) return lifecycle.exitCode;
    if (secrets.healthPort !== undefined) {
      health = new HealthServer(metrics, {
        problems: () => (lifecycle.stopping.aborted ? ["shutting down"] : []),
        details: () => ({ worker: worker?.info }),
      });
      logger.info({ port: await health.listen(secrets.healthPort) }, "health and metrics listening");
    }
    await new Promise((resolve) => lifecycle.stopping.addEventListener("abort", resolve, { once: true }));
    return lifecycle.exitCode;
  } finally {
    await worker?.stop(config.limits.shutdownGraceMs);
    await model.dispose();
    await health?.close();
    logger.info({ exitCode: lifecycle.exitCode }, "stopped");
  }
}

/**
 * The catalog as a worker keeps it: the SID codes and the fingerprint bots check. The loaded
 * catalog (titles, metadata) is dropped when this returns.
 */
async function workerCatalog(config: Config, logger: Logger): Promise<WorkerCatalog> {
  const opened = await openCatalog(config);
  logger.info({ catalog: opened.source, items: opened.catalog.size }, "catalog loaded");
  return { sids: SidCodes.fromCatalog(opened.catalog), fingerprint: catalogFingerprint(opened.catalog) };
}
