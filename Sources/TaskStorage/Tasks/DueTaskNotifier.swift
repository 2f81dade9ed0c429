import Synchronization
import Core
import Postgres

/// Wakes coordinators (`NOTIFY taskmaster_tasks`) after tasks due soon were committed.
///
/// The notification goes in a statement of its own, after the insert, because a NOTIFY holds a
/// database-wide lock until its commit is flushed: inside the insert it would make concurrent
/// inserts wait for each other. Requests that arrive while one is being sent collapse into a
/// single follow-up at least `minimumInterval` later, so a stream of inserts costs a few hundred
/// notifications a second at most, not one each.
final class DueTaskNotifier: Sendable {
    private struct State {
        var sending = false
        var requestedAgain = false
    }

    /// Tasks due within this many microseconds get a notification; coordinators find later ones
    /// by themselves.
    private static let horizonMicroseconds: Int64 = 5_000_000

    /// The shortest time between two notifications.
    private static let minimumInterval: Duration = .milliseconds(2)

    private let client: PostgresClient
    private let state = Mutex(State())

    init(client: PostgresClient) {
        self.client = client
    }

    /// Notifies when any of `times` is due within the horizon.
    func tasksStored(dueAt times: some Sequence<Timestamp>) {
        let soon = Timestamp(microsecondsSinceEpoch: Timestamp.now().microsecondsSinceEpoch + Self.horizonMicroseconds)
        if times.contains(where: { $0 <= soon }) { notify() }
    }

    /// Sends one notification now, or one more after the one being sent.
    func notify() {
        let starts = state.withLock { state in
            if state.sending {
                state.requestedAgain = true
                return false
            }
            state.sending = true
            return true
        }
        guard starts else { return }
        Task { await self.sendUntilCaughtUp() }
    }

    private func sendUntilCaughtUp() async {
        while true {
            let sent = ContinuousClock.now
            // A lost notification only delays a coordinator until its next poll.
            _ = try? await client.query("SELECT pg_notify($1, '')", [TaskNotifications.dueTasksChannel])
            let again = state.withLock { state in
                defer { state.requestedAgain = false }
                state.sending = state.requestedAgain
                return state.requestedAgain
            }
            if !again { return }
            // Each notification is a commit; under a stream of inserts, one per interval is plenty.
            try? await Task.sleep(until: sent + Self.minimumInterval)
        }
    }
}
