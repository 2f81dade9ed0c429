/// Every metric the services export, named once. Names follow the Prometheus conventions:
/// `_total` for counters, base units (`_seconds`) for histograms.
public enum MetricNames {
    // Tasks
    /// Tasks stored by the scheduler (counter).
    public static let tasksScheduled = "taskmaster_tasks_scheduled_total"
    /// Tasks a worker accepted from the coordinator (counter).
    public static let tasksDispatched = "taskmaster_tasks_dispatched_total"
    /// Tasks reported complete (counter).
    public static let tasksCompleted = "taskmaster_tasks_completed_total"
    /// Tasks failed for good, with no attempt left (counter).
    public static let tasksFailed = "taskmaster_tasks_failed_total"
    /// Failed attempts put back in the queue for another try (counter).
    public static let tasksRetried = "taskmaster_tasks_retried_total"
    /// From `scheduled_at` to the worker's start (histogram).
    public static let taskStartDelay = "taskmaster_task_start_delay_seconds"
    /// Tasks due and waiting for a worker (gauge, sampled).
    public static let queueDepth = "taskmaster_queue_depth"
    /// Workers registered with the coordinator (gauge, sampled).
    public static let workersLive = "taskmaster_workers_live"

    // RPC, labelled by `method` and `code`
    /// Calls served, from the request to the answer (histogram).
    public static let rpcServerDuration = "taskmaster_rpc_server_duration_seconds"
    /// Calls made, from the call to its outcome (histogram).
    public static let rpcClientDuration = "taskmaster_rpc_client_duration_seconds"

    // HTTP API, labelled by `route`, `method` and `status`
    public static let httpRequestDuration = "taskmaster_http_request_duration_seconds"
    public static let httpRequests = "taskmaster_http_requests_total"
    public static let httpRequestErrors = "taskmaster_http_request_errors_total"
    public static let httpActiveRequests = "taskmaster_http_active_requests"

    // Database pool (gauges, sampled)
    public static let databaseConnectionsInUse = "taskmaster_db_pool_connections_in_use"
    public static let databaseConnectionsWaiting = "taskmaster_db_pool_connections_waiting"

    /// Label keys.
    public enum Label {
        public static let method = "method"
        public static let code = "code"
        public static let route = "route"
        public static let status = "status"
    }

    /// Names Hummingbird's `MetricsMiddleware` uses, and the names they are exported under.
    static let renamedHTTPMetrics = [
        "http.server.request.duration": httpRequestDuration,
        "hb.requests": httpRequests,
        "hb.request.errors": httpRequestErrors,
        "http.server.active_requests": httpActiveRequests,
    ]

    /// Label keys of Hummingbird's `MetricsMiddleware`, and the keys they are exported under.
    static let renamedHTTPLabels = [
        "http.route": Label.route,
        "http.request.method": Label.method,
        "http.response.status_code": Label.status,
        "error.type": Label.status,
    ]
}
