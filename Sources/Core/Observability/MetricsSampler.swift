public import Logging
public import ServiceLifecycle

/// Sets the sampled gauges (queue depth, live workers, database pool use) once per interval.
public final class MetricsSampler: Service, Sendable {
    /// Reads one value and sets its gauge.
    public struct Sample: Sendable {
        let record: @Sendable () async throws -> Void

        /// `taskmaster_db_pool_connections_in_use` and `…_waiting`.
        public static func databasePool(_ client: PostgresClient) -> Sample {
            Sample { GaugeMetrics.databasePool(client.poolUsage) }
        }

        /// `taskmaster_queue_depth`: one count over the partial index of due tasks.
        public static func queueDepth(_ store: TaskStore) -> Sample {
            Sample { GaugeMetrics.queueDepth(try await store.countDueTasks()) }
        }

        /// `taskmaster_workers_live`.
        public static func workersLive(_ registry: WorkerRegistry) -> Sample {
            Sample { GaugeMetrics.workersLive(registry.workers.count) }
        }
    }

    private let samples: [Sample]
    private let interval: Duration
    private let logger: Logger

    public init(samples: [Sample], interval: Duration = .seconds(2), logger: Logger) {
        self.samples = samples
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        // Cancelled on graceful shutdown; an interrupted sleep ends the loop, not the process.
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.sampleAll()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// Takes every sample once; a failing one (the database is down) keeps its last value.
    public func sampleAll() async {
        for sample in samples {
            do {
                try await sample.record()
            } catch {
                logger.debug("metric sample failed", metadata: [LogKey.error: "\(error)"])
            }
        }
    }
}
