import Synchronization
import Postgres
import ServiceLifecycle

/// Stores single tasks that arrive together with one statement and one commit (group commit):
/// a Service that runs beside the API that uses it, started before and stopped after it.
///
/// A request waits only while a bounded number of inserts is already running; it then goes into
/// the next one with everything else that arrived meanwhile. Each caller returns after the
/// commit that stored its task, so a stored task is as durable as with an insert of its own.
/// Tasks with an idempotency key take the store's own path (it needs a transaction of its own).
package final class TaskInsertCoalescer: Service {
    private struct Waiting {
        var task: NewTask
        var continuation: CheckedContinuation<ScheduledTask, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        /// The service has stopped: tasks are refused rather than left waiting.
        var isStopped = false
    }

    private let store: TaskStore
    private let concurrentInserts: Int
    private let state = Mutex(State())
    /// Tells the service that tasks wait; signals sent meanwhile collapse into one.
    private let arrivals: AsyncStream<Void>
    private let arrival: AsyncStream<Void>.Continuation

    /// The most tasks in one statement.
    private static let batchLimit = 1000

    /// `concurrentInserts`: how many inserts may run at once (each holds a pooled connection).
    package init(store: TaskStore, concurrentInserts: Int = 2) {
        self.store = store
        self.concurrentInserts = max(1, concurrentInserts)
        (arrivals, arrival) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Stores `task` and returns it once committed; errors as for `TaskStore.schedule(_:)`, and
    /// `.poolClosed` once the service has stopped. Before the service runs, the task waits for it.
    package func schedule(_ task: NewTask) async throws -> ScheduledTask {
        guard task.idempotencyKey == nil else { return try await store.schedule(task) }
        return try await withCheckedThrowingContinuation { continuation in
            let queued = state.withLock { state in
                guard !state.isStopped else { return false }
                state.waiting.append(Waiting(task: task, continuation: continuation))
                return true
            }
            if queued {
                arrival.yield()
            } else {
                continuation.resume(throwing: PostgresError(code: .poolClosed, message: "the task store is shutting down"))
            }
        }
    }

    /// Inserts what waits, at most `concurrentInserts` statements at once, until a graceful
    /// shutdown; then stores what arrived before it and refuses the rest.
    package func run() async {
        await withTaskGroup(of: Void.self) { group in
            var running = 0
            await withGracefulShutdownHandler {
                for await _ in arrivals {
                    while true {
                        // Wait for a free insert before taking the batch, so it holds everything that came meanwhile.
                        if running == concurrentInserts, await group.next() != nil { running -= 1 }
                        guard let batch = nextBatch() else { break }
                        group.addTask { await self.insert(batch) }
                        running += 1
                    }
                }
            } onGracefulShutdown: {
                self.arrival.finish()
            }
            state.withLock { $0.isStopped = true }
            while let batch = nextBatch() {
                await insert(batch)
            }
        }
    }

    private func nextBatch() -> [Waiting]? {
        state.withLock { state in
            guard !state.waiting.isEmpty else { return nil }
            let batch = Array(state.waiting.prefix(Self.batchLimit))
            state.waiting.removeFirst(batch.count)
            return batch
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
