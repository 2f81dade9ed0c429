package import Core
import Metrics

extension MetricsSampler.Sample {
    /// `taskmaster_workers_live`.
    package static func workersLive(_ registry: WorkerRegistry) -> Self {
        Self { Gauge(label: MetricNames.workersLive).record(registry.workers.count) }
    }
}
