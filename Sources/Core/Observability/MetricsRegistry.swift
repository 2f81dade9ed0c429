import CoreMetrics
import Prometheus

/// The metrics of one process, rendered in the Prometheus text exposition format.
///
/// Core records through swift-metrics (`Counter`, `Gauge`, `Timer`); a registry made with
/// `bootstrapProcessMetrics()` is the backend that collects them. A registry made with `init()`
/// collects nothing it is not given and renders empty (useful in tests).
package final class MetricsRegistry: Sendable {
    /// The content type of `exposition()`.
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    let collectors: PrometheusCollectorRegistry

    package init() {
        collectors = PrometheusCollectorRegistry()
    }

    /// Creates the registry and makes it the swift-metrics backend of this process. Call it
    /// once per process, at start, before anything records a metric.
    package static func bootstrapProcessMetrics() -> MetricsRegistry {
        let registry = MetricsRegistry()
        MetricsSystem.bootstrap(registry.metricsFactory)
        return registry
    }

    /// Every metric recorded so far, as Prometheus text.
    package func exposition() -> [UInt8] {
        collectors.emitToBuffer()
    }

    /// The swift-metrics backend writing into this registry, with histogram buckets fit for each
    /// duration.
    var metricsFactory: PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: collectors)
        factory.defaultDurationHistogramBuckets = Self.callBuckets
        factory.durationHistogramBuckets = [MetricNames.taskStartDelay: Self.startDelayBuckets]
        return factory
    }

    /// RPC and HTTP calls: from a quarter millisecond (a local call) to ten seconds.
    static let callBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2) + .microseconds(500),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// Start delay: from a millisecond (on time) to five minutes (a backlog).
    static let startDelayBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300),
    ]
}
