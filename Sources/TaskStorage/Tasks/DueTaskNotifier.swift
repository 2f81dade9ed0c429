import Core
import Postgres
import ServiceLifecycle

/// Wakes coordinators (`NOTIFY taskmaster_tasks`) after tasks due soon were committed: a Service
/// of the process that stores tasks, started before and stopped after the servers that store them.
///
/// The notification goes in a statement of its own, after the insert, because a NOTIFY holds a
/// database-wide lock until its commit is flushed: inside the insert it would make concurrent
/// inserts wait for each other. Requests that arrive while one is being sent collapse into a
/// single follow-up at least `minimumInterval` later, so a stream of inserts costs a few hundred
/// notifications a second at most, not one each. Without the service running nothing is sent;
/// coordinators then find new tasks by polling. Like any Service it runs once: a store whose
/// process group stopped sends no more wake-ups.
package final class DueTaskNotifier: Service {
    /// Tasks due within this many microseconds get a notification; coordinators find later ones
    /// by themselves.
    private static let horizonMicroseconds: Int64 = 5_000_000

    /// The shortest time between two notifications.
    private static let minimumInterval: Duration = .milliseconds(2)

    private let client: PostgresClient
    /// Holds at most one request: those made while one is pending collapse into it.
    private let requests: AsyncStream<Void>
    private let request: AsyncStream<Void>.Continuation

    init(client: PostgresClient) {
        self.client = client
        (requests, request) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Notifies when any of `times` is due within the horizon.
    func tasksStored(dueAt times: some Sequence<Timestamp>) {
        let soon = Timestamp(microsecondsSinceEpoch: Timestamp.now().microsecondsSinceEpoch + Self.horizonMicroseconds)
        if times.contains(where: { $0 <= soon }) { notify() }
    }

    /// Asks for one notification now, or one more after the one being sent.
    func notify() {
        request.yield()
    }

    package func run() async {
        await cancelWhenGracefulShutdown {
            for await _ in self.requests {
                let sent = ContinuousClock.now
                // A lost notification only delays a coordinator until its next poll.
                _ = try? await self.client.query("SELECT pg_notify($1, '')", [TaskNotifications.dueTasksChannel])
                // Each notification is a commit; under a stream of inserts, one per interval is plenty.
                try? await Task.sleep(until: sent + Self.minimumInterval)
            }
        }
    }
}
