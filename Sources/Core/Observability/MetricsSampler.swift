package import Logging
import ServiceLifecycle
import Synchronization

/// Sets the sampled gauges (queue depth, live workers, database pool use) once per interval, or
/// less often while sampling is slow: counting a backlog of a million waiting tasks takes the
/// database 80 ms or more, which must not come back every 2 s. Each module that knows a value
/// declares its sample.
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
        let lastRound = Mutex(Duration.zero)
        let interval = interval
        await PeriodicLoop(waitingWith: {
            try? await Task.sleep(for: Self.pause(after: lastRound.withLock { $0 }, interval: interval))
        }).run {
            let took = await ContinuousClock().measure { await self.sampleAll() }
            lastRound.withLock { $0 = took }
        }
    }

    /// The pause after a round of samples that took `took`: `interval`, or longer, so that
    /// sampling takes at most 2% of the time.
    static func pause(after took: Duration, interval: Duration) -> Duration {
        max(interval, took * 49)
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
