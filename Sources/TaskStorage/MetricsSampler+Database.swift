package import Core
import Metrics
import Synchronization
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

    /// `taskmaster_queue_tasks` and `taskmaster_queue_held_back`. A queue or a hold that went
    /// away is set to 0 rather than left at its last value.
    package static func queues(_ store: QueueStore) -> Self {
        let seen = Mutex<Set<QueueGauge>>([])
        return Self {
            let counts = try await store.counts(dueOnly: true)
            let holds = try await store.holds(of: try await store.settings(), due: counts.mapValues(\.due))
            var values: [QueueGauge: Int] = [:]
            for (queue, count) in counts {
                for (state, value) in [("due", count.due), ("dispatched", count.dispatched), ("running", count.running)] {
                    values[QueueGauge(label: MetricNames.queueTasks, queue: queue, key: MetricNames.Label.state, value: state)] = value
                }
            }
            for (queue, hold) in holds {
                values[QueueGauge(label: MetricNames.queueHeldBack, queue: queue, key: MetricNames.Label.limit, value: hold.limit.rawValue)] =
                    hold.tasks
            }
            let gone = seen.withLock { seen in
                defer { seen = Set(values.keys) }
                return seen.subtracting(values.keys)
            }
            for gauge in gone { values[gauge] = 0 }
            for (gauge, value) in values {
                Gauge(label: gauge.label, dimensions: [(MetricNames.Label.queue, gauge.queue), (gauge.key, gauge.value)]).record(value)
            }
        }
    }

    /// `taskmaster_webhook_deliveries_pending`.
    package static func webhookDeliveriesPending(_ outbox: WebhookOutbox) -> Self {
        Self { Gauge(label: MetricNames.webhookDeliveriesPending).record(try await outbox.pendingCount()) }
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

/// One gauge of a queue: its metric, its queue and its second label.
private struct QueueGauge: Hashable, Sendable {
    var label: String
    var queue: String
    var key: String
    var value: String
}
