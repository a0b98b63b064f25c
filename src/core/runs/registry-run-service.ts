import type { RunRegistry } from './run-registry';
import type { RunService, StartRunOptions, StartedServiceRun } from './run-service';

/**
 * The VS Code extension shares one in-memory registry between its panel and its embedded server; this
 * adapter lets the server use it through the asynchronous interface.
 */
export function registryRunService(registry: RunRegistry): RunService {
  const byKey = new Map<string, string>();
  return {
    async start(request, options: StartRunOptions = {}): Promise<StartedServiceRun> {
      const key = options.idempotencyKey;
      const existing = key === undefined ? undefined : byKey.get(key);
      if (existing !== undefined && registry.get(existing)) return { requestId: existing, replayed: true };
      const started = registry.start(request, options);
      if (key !== undefined) byKey.set(key, started.requestId);
      return { requestId: started.requestId, done: started.done, replayed: false };
    },
    get: async (requestId) => registry.get(requestId),
    list: async () => registry.list(),
    events: (requestId, afterSeq, signal) => registry.events(requestId, afterSeq, signal),
    cancel: async (requestId, reason) => registry.cancel(requestId, reason),
    cancelAll: (reason) => registry.cancelAll(reason),
    metrics: async () => ({ ...registry.metrics(), queuedRuns: 0 }),
    localMetrics: () => registry.metrics(),
    subscribe: (listener) => registry.subscribe(listener),
  };
}
