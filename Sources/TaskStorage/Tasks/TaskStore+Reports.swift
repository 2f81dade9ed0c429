import struct Foundation.UUID
import APIModels
import Postgres

/// Recording what workers report: any number of reports in one statement.
extension TaskStore {
    /// Applies one worker report; see `record(_:originalContractHolders:)` for batches.
    package func record(_ report: TaskStatusReport, originalContractHolders: [UInt32] = []) async throws
        -> TaskStatusReportResult
    {
        try await record([report], originalContractHolders: originalContractHolders)[0]
    }

    /// Applies `reports` and returns what each did, in their order. A report changes a task only
    /// when it comes from the holder of the task's current hand-off: it carries that hand-off's
    /// token; or, without a token, the holder's worker id and the attempt; or, without a worker
    /// id, the task is held by one of `originalContractHolders` (workers of the original contract,
    /// whose reports say neither). Any other report, and a report about a finished task, changes
    /// nothing. Reports about distinct tasks go in one statement (one commit); a later report
    /// about a task already in the batch goes in a following one, so every report is applied in order.
    package func record(_ reports: [TaskStatusReport], originalContractHolders: [UInt32] = []) async throws
        -> [TaskStatusReportResult]
    {
        var results = [TaskStatusReportResult?](repeating: nil, count: reports.count)
        var remaining = Array(reports.indices)
        while !remaining.isEmpty {
            var seen = Set<UUID>()
            var round: [Int] = []
            var later: [Int] = []
            for index in remaining {
                if seen.insert(reports[index].taskID).inserted { round.append(index) } else { later.append(index) }
            }
            remaining = later
            let recorded = try await recordDistinct(round.map { reports[$0] }, originalContractHolders: originalContractHolders)
            for (index, result) in zip(round, recorded) { results[index] = result }
        }
        return results.map { $0! }
    }

    /// One statement for reports about distinct tasks. Prepared like every statement: it finds
    /// each row through the primary key, so one plan serves 5 reports as well as 500, and
    /// planning it for each batch cost more than a fifth of the database's time per task.
    private func recordDistinct(_ reports: [TaskStatusReport], originalContractHolders: [UInt32]) async throws
        -> [TaskStatusReportResult]
    {
        let result = try await client.query(
            Self.recordSQL,
            [
                PostgresArray(reports.map(\.taskID)),
                PostgresArray(reports.map(\.outcome.code)),
                PostgresArray(reports.map(\.time?.microsecondsSinceEpoch)),
                PostgresArray(reports.map(\.startTime?.microsecondsSinceEpoch)),
                PostgresArray(reports.map(\.attempt)),
                PostgresArray(reports.map { $0.workerID.map(Int64.init) }),
                PostgresArray(reports.map(\.exitCode)),
                PostgresArray(reports.map(\.output)),
                PostgresArray(reports.map(\.error)),
                PostgresArray(reports.map(\.handoff)),
                PostgresArray(originalContractHolders.map(Int64.init)),
                PostgresArray(reports.map(\.outputBytes)),
                PostgresArray(reports.map(\.outputTruncated)),
                PostgresArray(reports.map(\.attemptTraceParent)),
            ])
        guard result.count == reports.count else {
            throw TaskStoreError(code: .missingRow, message: "status report query returned \(result.count) rows for \(reports.count) reports")
        }
        return try zip(reports, result).map { report, row in
            guard let exists = try row.bool(1), let updated = try row.bool(2) else {
                throw TaskStoreError(code: .invalidColumn, message: "status report row has NULL flags")
            }
            guard updated else { return exists ? .ignored : .notFound }
            let backInQueue = try row.bool(4) ?? false
            return .recorded(
                workerID: try row.int64(3).flatMap(UInt32.init(exactly:)),
                requeued: report.outcome == .failed && backInQueue,
                startDelay: try row.int64(5).map { Duration.microseconds($0) }, queue: row.string(6) ?? QueueRules.defaultQueue)
        }
    }

    /// The reports arrive as parallel arrays, one element per task. Outcome codes: 1 started,
    /// 2 completed, 3 failed (retried with exponential backoff and jitter until max_attempts,
    /// then failed for good), 4 handed back (due again at once; the attempt does not count).
    /// In SET, `tasks.*` is the row before the update; the last SELECT reads the table as it was
    /// before the update (one snapshot for the whole statement), which tells whether a task that
    /// was not updated exists. The report that starts the task returns its start delay: a
    /// STARTED, a final report that carries the start (a STARTED merged into it), or one that
    /// carries none for a task that had not started (its start is its end); a STARTED report for
    /// a task already running (sent again) changes nothing. Each report finds its row through
    /// the primary key: the in-flight states are tested in a form no index answers (`IS TRUE`), so
    /// the planner never reads every in-flight task instead, whatever its statistics say (nor, with
    /// the services' settings, the table); the reports that changed nothing are told apart with a
    /// hashed `NOT IN`. A report that starts or ends an attempt writes its webhook events (see
    /// `WebhookEventSQL`): a start, then a completion, a retry or a failure. A final report keeps
    /// the attempt's span, which the next attempt's spans link to.
    /// Result columns: position, exists, updated, worker_id, requeued, start_delay, queue.
    private static let recordSQL: String = {
        let time = SQLTimestamp.timestamp(fromMicroseconds: "r.time_us")
        let startTime = SQLTimestamp.timestamp(fromMicroseconds: "r.start_us")
        let retry = "r.outcome = 3 AND tasks.attempts < tasks.max_attempts"
        let requeue = "(r.outcome = 4 OR (\(retry)))"
        return """
            WITH r AS (
                SELECT * FROM unnest($1::uuid[], $2::int4[], $3::int8[], $4::int8[], $5::int4[], $6::int8[],
                    $7::int4[], $8::text[], $9::text[], $10::uuid[], $12::int8[], $13::bool[], $14::text[]) WITH ORDINALITY
                    AS r(id, outcome, time_us, start_us, attempt, worker_id, exit_code, output, error, handoff,
                        output_bytes, output_truncated, attempt_trace_parent, position)),
            updated AS (
                UPDATE tasks SET
                    updated_at = now(),
                    status = CASE WHEN r.outcome = 1 THEN 'running' WHEN r.outcome = 2 THEN 'completed'
                        WHEN \(requeue) THEN 'scheduled' ELSE 'failed' END,
                    attempts = CASE WHEN r.outcome = 4 THEN greatest(tasks.attempts - 1, 0) ELSE tasks.attempts END,
                    worker_id = CASE WHEN r.outcome = 4 THEN NULL ELSE tasks.worker_id END,
                    handoff = CASE WHEN \(requeue) THEN NULL ELSE tasks.handoff END,
                    lease_expires_at = CASE WHEN r.outcome = 1 THEN tasks.lease_expires_at END,
                    picked_at = CASE WHEN \(requeue) THEN NULL ELSE tasks.picked_at END,
                    started_at = CASE WHEN \(requeue) THEN NULL
                        WHEN r.outcome = 1 THEN coalesce(\(time), now())
                        WHEN r.outcome = 2 THEN coalesce(tasks.started_at, \(startTime), \(time), now())
                        ELSE coalesce(tasks.started_at, \(startTime)) END,
                    completed_at = CASE WHEN r.outcome = 2 THEN coalesce(\(time), now()) ELSE tasks.completed_at END,
                    failed_at = CASE WHEN r.outcome = 3 AND NOT (\(retry)) THEN coalesce(\(time), now())
                        WHEN r.outcome = 3 THEN NULL ELSE tasks.failed_at END,
                    next_attempt_at = CASE WHEN \(retry)
                        THEN now() + interval '1 second' * least(60, power(2, tasks.attempts - 1)) * (0.75 + random() / 2)
                        ELSE tasks.next_attempt_at END,
                    exit_code = CASE WHEN r.outcome IN (2, 3) THEN r.exit_code ELSE tasks.exit_code END,
                    output = CASE WHEN r.outcome IN (2, 3) THEN r.output ELSE tasks.output END,
                    output_bytes = CASE WHEN r.outcome IN (2, 3) THEN coalesce(r.output_bytes, octet_length(r.output), 0)
                        ELSE tasks.output_bytes END,
                    output_truncated = CASE WHEN r.outcome IN (2, 3) THEN r.output_truncated ELSE tasks.output_truncated END,
                    last_error = CASE WHEN r.outcome = 2 THEN NULL WHEN r.outcome = 3 THEN r.error ELSE tasks.last_error END,
                    last_attempt_trace_parent = CASE WHEN r.outcome IN (2, 3)
                        THEN coalesce(r.attempt_trace_parent, tasks.last_attempt_trace_parent)
                        ELSE tasks.last_attempt_trace_parent END
                FROM r
                WHERE tasks.id = r.id AND (tasks.status IN ('dispatched', 'running')) IS TRUE
                    AND NOT (r.outcome = 1 AND tasks.status = 'running')
                    AND CASE
                        WHEN r.handoff IS NOT NULL THEN tasks.handoff = r.handoff
                        WHEN r.worker_id IS NOT NULL AND r.attempt IS NOT NULL
                            THEN tasks.worker_id = r.worker_id AND tasks.attempts = r.attempt
                        ELSE tasks.worker_id = ANY($11::int8[]) AND (r.attempt IS NULL OR tasks.attempts = r.attempt)
                    END
                RETURNING r.position, tasks.worker_id, tasks.status = 'scheduled' AS requeued,
                    CASE WHEN tasks.status IN ('running', 'completed')
                            AND (r.outcome = 1 OR r.start_us IS NOT NULL OR tasks.started_at = tasks.completed_at)
                        THEN \(SQLTimestamp.microseconds(of: "tasks.started_at")) - \(SQLTimestamp.microseconds(of: "tasks.due_at"))
                    END AS start_delay, tasks.queue, tasks.id, r.outcome, tasks.started_at,
                    coalesce(tasks.completed_at, tasks.failed_at, now()) AS ended_at, tasks AS task),
            report_events AS (
                SELECT e.event_type, e.occurred_at, u.queue, u.id AS task_id, u.task, NULL::uuid AS schedule_id,
                    NULL::timestamptz AS nominal_time
                FROM updated u CROSS JOIN LATERAL (VALUES
                    (CASE WHEN u.start_delay IS NOT NULL THEN '\(WebhookEventSQL.EventType.taskStarted.rawValue)' END, u.started_at),
                    (CASE WHEN u.outcome = 2 THEN '\(WebhookEventSQL.EventType.taskCompleted.rawValue)'
                        WHEN u.outcome = 3 AND u.requeued THEN '\(WebhookEventSQL.EventType.taskRetrying.rawValue)'
                        WHEN u.outcome = 3 THEN '\(WebhookEventSQL.EventType.taskFailed.rawValue)' END, u.ended_at)
                ) AS e(event_type, occurred_at)),
            \(WebhookEventSQL.record(from: "report_events"))
            SELECT position, true, true, worker_id, requeued, start_delay, queue FROM updated
            UNION ALL
            SELECT position, (SELECT true FROM tasks WHERE tasks.id = r.id LIMIT 1) IS NOT NULL, false, NULL, NULL, NULL, NULL
            FROM r WHERE position NOT IN (SELECT position FROM updated)
            ORDER BY 1
            """
    }()
}

extension TaskStatusReport.Outcome {
    /// The outcome's code in the report statement.
    fileprivate var code: Int32 {
        switch self {
        case .started: 1
        case .completed: 2
        case .failed: 3
        case .handedBack: 4
        }
    }
}
