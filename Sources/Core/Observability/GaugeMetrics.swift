import Metrics

/// Gauges set by `MetricsSampler`.
enum GaugeMetrics {
    static func queueDepth(_ count: Int) {
        Gauge(label: MetricNames.queueDepth).record(count)
    }

    static func workersLive(_ count: Int) {
        Gauge(label: MetricNames.workersLive).record(count)
    }

    static func databasePool(_ usage: PostgresPoolUsage) {
        Gauge(label: MetricNames.databaseConnectionsInUse).record(usage.inUse)
        Gauge(label: MetricNames.databaseConnectionsWaiting).record(usage.waiting)
    }
}
