import Foundation
import Testing

@testable import APIModels
@testable import Core
@testable import Postgres
@testable import TaskStorage

extension TaskStore {
    /// Schedules `count` tasks due `seconds` from now in `queue`, the i-th with `key(i)` as its
    /// concurrency key; returns them in order.
    @discardableResult
    func scheduleTasks(
        _ count: Int, queue: String = QueueRules.defaultQueue, priority: Int = 0, in seconds: Double = -1, maxAttempts: Int = 1,
        key: (Int) -> String? = { _ in nil }
    ) async throws -> [TaskRecord] {
        let due = Timestamp.now().advanced(bySeconds: seconds)
        return try await schedule(
            (0..<count).map { index in
                NewTask(
                    command: "x", scheduledAt: due, maxAttempts: maxAttempts,
                    placement: QueuePlacement(queue: queue, priority: priority, concurrencyKey: key(index)))
            }
        ).map(\.record)
    }

    /// Claims from the queues with limits for `slots` slots of worker 7.
    func claimLimited(_ slots: Int, lease: Duration = .seconds(30)) async throws -> [ClaimedTask] {
        try await claimLimitedTasks(assigningTo: [UInt32?](repeating: 7, count: slots), lease: lease)
    }

    /// Reports `tasks` as worker 7 would: started, or finished.
    func report(_ outcome: TaskStatusReport.Outcome, _ tasks: [ClaimedTask]) async throws {
        _ = try await record(
            tasks.map { task in
                TaskStatusReport(taskID: task.id, outcome: outcome, time: .now(), workerID: 7, attempt: task.attempt, handoff: task.handoff)
            })
    }
}
