import Synchronization
import Postgres

/// Stores single tasks that arrive together with one statement and one commit (group commit).
///
/// A request waits only while a bounded number of inserts is already running; it then goes into
/// the next one with everything else that arrived meanwhile. Each caller returns after the
/// commit that stored its task, so a stored task is as durable as with an insert of its own.
/// Tasks with an idempotency key take the store's own path (it needs a transaction of its own).
public final class TaskInsertCoalescer: Sendable {
    private struct Waiting {
        var task: NewTask
        var continuation: CheckedContinuation<ScheduledTask, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        var running = 0
    }

    private let store: TaskStore
    private let concurrentInserts: Int
    private let state = Mutex(State())

    /// The most tasks in one statement.
    private static let batchLimit = 1000

    /// `concurrentInserts`: how many inserts may run at once (each holds a pooled connection).
    public init(store: TaskStore, concurrentInserts: Int = 2) {
        self.store = store
        self.concurrentInserts = max(1, concurrentInserts)
    }

    /// Stores `task` and returns it once committed; errors as for `TaskStore.schedule(_:)`.
    public func schedule(_ task: NewTask) async throws -> ScheduledTask {
        guard task.idempotencyKey == nil else { return try await store.schedule(task) }
        return try await withCheckedThrowingContinuation { continuation in
            let startsInserting = state.withLock { state in
                state.waiting.append(Waiting(task: task, continuation: continuation))
                guard state.running < concurrentInserts else { return false }
                state.running += 1
                return true
            }
            if startsInserting {
                Task { await self.insertWhileWaiting() }
            }
        }
    }

    /// Inserts the waiting tasks in batches until none waits.
    private func insertWhileWaiting() async {
        while true {
            let batch = state.withLock { state -> [Waiting] in
                let batch = Array(state.waiting.prefix(Self.batchLimit))
                state.waiting.removeFirst(batch.count)
                if batch.isEmpty { state.running -= 1 }
                return batch
            }
            guard !batch.isEmpty else { return }
            await insert(batch)
        }
    }

    private func insert(_ batch: [Waiting]) async {
        do {
            let scheduled = try await store.schedule(batch.map(\.task))
            for (waiting, task) in zip(batch, scheduled) { waiting.continuation.resume(returning: task) }
        } catch let error as PostgresError where error.code == .queryFailed && batch.count > 1 {
            // One task the database refuses must not fail the others: store each on its own.
            for waiting in batch { await insert([waiting]) }
        } catch {
            for waiting in batch { waiting.continuation.resume(throwing: error) }
        }
    }
}
