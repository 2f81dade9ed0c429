package import Logging
import ServiceLifecycle
import Core
package import TaskStorage

/// Turns the due fires of recurring schedules into tasks due at their fire time. Any number of
/// coordinators may run it at once: each round locks the schedules it decides and skips those
/// another coordinator holds (see `ScheduleStore.decideDueFires`). It sleeps until the next fire
/// to decide by the database's clock (up to `FireDecision.lookahead` ahead of its time), at most
/// `longestSleep` (a buffered fire waits for a task to end), and wakes early when a schedule
/// changes.
package final class ScheduleMaterializer: Service, Sendable {
    /// Schedules decided in one transaction.
    static let batchSize = 500
    /// Transactions deciding at once when many schedules are due together (each takes other
    /// schedules: `SKIP LOCKED`).
    static let deciders = 2
    static let longestSleep = Duration.seconds(1)

    private let store: ScheduleStore
    private let tasksCreated: @Sendable () -> Void
    private let logger: Logger
    private let wakeSignal = WakeSignal()

    /// `tasksCreated` is called after a round stored tasks (they are due: wake the dispatcher).
    package init(store: ScheduleStore, logger: Logger, tasksCreated: @escaping @Sendable () -> Void) {
        self.store = store
        self.logger = logger
        self.tasksCreated = tasksCreated
    }

    /// A schedule was created, changed or deleted.
    package func scheduleChanged() {
        wakeSignal.signal()
    }

    package func run() async {
        await PeriodicLoop(waitingWith: { await self.waitForNextFire() }).run { await self.decideDueFires() }
    }

    /// Decides every due fire, then cancels the fires' tasks that could not start in time.
    private func decideDueFires() async {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<Self.deciders {
                    group.addTask { try await self.decideUntilNoneDue() }
                }
                try await group.waitForAll()
            }
            record(FireRound(missed: try await store.cancelExpiredFires()))
        } catch {
            logger.warning("deciding the fires of schedules failed, retrying", metadata: [LogKey.error: "\(error)"])
            try? await Task.sleep(for: Self.longestSleep)
        }
    }

    /// Decides batches until fewer schedules than a batch were due.
    private func decideUntilNoneDue() async throws {
        var round: FireRound
        repeat {
            round = try await store.decideDueFires(limit: Self.batchSize)
            record(round)
        } while round.schedules == Self.batchSize && !Task.isCancelled
    }

    private func record(_ round: FireRound) {
        TaskMetrics.fires(created: round.created, skipped: round.skipped.count, missed: round.missed.count)
        for event in round.skipped {
            logger.info("schedule fire skipped: the previous task has not finished", metadata: Self.metadata(event))
        }
        for event in round.missed {
            logger.warning("schedule fire missed: it could not start within its catch-up window", metadata: Self.metadata(event))
        }
        if round.created > 0 {
            logger.debug("schedule fires created tasks", metadata: [LogKey.count: "\(round.created)"])
            tasksCreated()
        }
    }

    /// At least a millisecond, so that a fire another coordinator holds is not polled in a spin.
    private func waitForNextFire() async {
        let untilNext = (try? await store.timeToNextDecision()) ?? Self.longestSleep
        await wakeSignal.wait(timeout: max(.milliseconds(1), min(untilNext, Self.longestSleep)))
    }

    private static func metadata(_ event: FireRound.Event) -> Logger.Metadata {
        [LogKey.scheduleID: "\(event.scheduleID.text)", LogKey.nominalTime: "\(event.nominal.rfc3339)"]
    }
}
