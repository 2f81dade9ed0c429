package import Logging
import ServiceLifecycle

/// Sets the sampled gauges (queue depth, live workers, database pool use) once per interval;
/// each module that knows a value declares its sample.
package final class MetricsSampler: Service, Sendable {
    /// Reads one value and sets its gauge.
    package struct Sample: Sendable {
        let record: @Sendable () async throws -> Void

        /// `record` reads one value and sets its gauge; a throw keeps the gauge's last value.
        package init(record: @escaping @Sendable () async throws -> Void) {
            self.record = record
        }
    }

    private let samples: [Sample]
    private let interval: Duration
    private let logger: Logger

    package init(samples: [Sample], interval: Duration = .seconds(2), logger: Logger) {
        self.samples = samples
        self.interval = interval
        self.logger = logger
    }

    package func run() async throws {
        await PeriodicLoop(every: interval).run { await self.sampleAll() }
    }

    /// Takes every sample once; a failing one (the database is down) keeps its last value.
    package func sampleAll() async {
        for sample in samples {
            do {
                try await sample.record()
            } catch {
                logger.debug("metric sample failed", metadata: [LogKey.error: "\(error)"])
            }
        }
    }
}
