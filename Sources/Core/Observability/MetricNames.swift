/// Every metric the services export, named once. Names follow the Prometheus conventions:
/// `_total` for counters, base units (`_seconds`) for histograms.
package enum MetricNames {
    // Tasks
    /// Tasks stored by the scheduler (counter).
    package static let tasksScheduled = "taskmaster_tasks_scheduled_total"
    /// Tasks a worker accepted from the coordinator (counter).
    package static let tasksDispatched = "taskmaster_tasks_dispatched_total"
    /// Tasks reported complete (counter).
    package static let tasksCompleted = "taskmaster_tasks_completed_total"
    /// Tasks failed for good, with no attempt left (counter).
    package static let tasksFailed = "taskmaster_tasks_failed_total"
    /// Failed attempts put back in the queue for another try (counter).
    package static let tasksRetried = "taskmaster_tasks_retried_total"
    /// From `scheduled_at` to the worker's start, labelled by `queue` (histogram).
    package static let taskStartDelay = "taskmaster_task_start_delay_seconds"
    /// Tasks due and waiting for a worker (gauge, sampled).
    package static let queueDepth = "taskmaster_queue_depth"
    /// Unfinished tasks of each queue, labelled by `queue` and `state`: `due`, `dispatched`,
    /// `running` (gauge, sampled).
    package static let queueTasks = "taskmaster_queue_tasks"
    /// Due tasks a queue's limit holds back, labelled by `queue` and `limit`: `paused`,
    /// `concurrency_limit`, `rate_limit`, `key_concurrency_limit` (gauge, sampled).
    package static let queueHeldBack = "taskmaster_queue_held_back"
    /// Workers registered with the coordinator (gauge, sampled).
    package static let workersLive = "taskmaster_workers_live"

    // Schedules
    /// Fires of recurring schedules, labelled by `outcome`: `created`, `skipped`, `missed` (counter).
    package static let scheduleFires = "taskmaster_schedule_fires_total"
    /// Schedules that are not paused and have fires left (gauge, sampled).
    package static let schedulesActive = "taskmaster_schedules_active"

    // Webhooks
    /// Attempts of webhook deliveries, labelled by `outcome`: `delivered`, `failed`, `refused` (counter).
    package static let webhookDeliveries = "taskmaster_webhook_deliveries_total"
    /// Webhook deliveries waiting to be made or retried (gauge, sampled).
    package static let webhookDeliveriesPending = "taskmaster_webhook_deliveries_pending"

    // RPC, labelled by `method` and `code`
    /// Calls served, from the request to the answer (histogram).
    package static let rpcServerDuration = "taskmaster_rpc_server_duration_seconds"
    /// Calls made, from the call to its outcome (histogram).
    package static let rpcClientDuration = "taskmaster_rpc_client_duration_seconds"

    // HTTP API, labelled by `route`, `method` and `status`
    package static let httpRequestDuration = "taskmaster_http_request_duration_seconds"
    package static let httpRequests = "taskmaster_http_requests_total"
    package static let httpRequestErrors = "taskmaster_http_request_errors_total"
    package static let httpActiveRequests = "taskmaster_http_active_requests"

    // Database pool (gauges, sampled)
    package static let databaseConnectionsInUse = "taskmaster_db_pool_connections_in_use"
    package static let databaseConnectionsWaiting = "taskmaster_db_pool_connections_waiting"

    /// Label keys.
    package enum Label {
        package static let method = "method"
        package static let code = "code"
        package static let route = "route"
        package static let status = "status"
        package static let outcome = "outcome"
        package static let queue = "queue"
        package static let state = "state"
        package static let limit = "limit"
    }
}
