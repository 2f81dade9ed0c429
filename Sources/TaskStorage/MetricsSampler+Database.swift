package import Core
import Metrics
package import Postgres

extension MetricsSampler.Sample {
    /// `taskmaster_db_pool_connections_in_use` and `…_waiting`.
    package static func databasePool(_ client: PostgresClient) -> Self {
        Self { record(poolUsage: client.poolUsage) }
    }

    /// `taskmaster_queue_depth`: one count over the partial index of due tasks.
    package static func queueDepth(_ store: TaskStore) -> Self {
        Self { record(queueDepth: try await store.countDueTasks()) }
    }

    /// `taskmaster_schedules_active`.
    package static func activeSchedules(_ store: ScheduleStore) -> Self {
        Self { Gauge(label: MetricNames.schedulesActive).record(try await store.countActive()) }
    }

    static func record(poolUsage usage: PostgresPoolUsage) {
        Gauge(label: MetricNames.databaseConnectionsInUse).record(usage.inUse)
        Gauge(label: MetricNames.databaseConnectionsWaiting).record(usage.waiting)
    }

    static func record(queueDepth: Int) {
        Gauge(label: MetricNames.queueDepth).record(queueDepth)
    }
}
