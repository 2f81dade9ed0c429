package import struct Foundation.UUID
import Postgres

extension TaskStore {
    /// Claims up to `workerIDs.count` due tasks from the queues with limits (among `queues`; nil:
    /// every queue), within each queue's concurrency, per-key and rate limits, and records them
    /// as `claimDueTasks(assigningTo:queues:handoffs:lease:handOffDeadline:priorityAging:)` does,
    /// counted against those limits.
    ///
    /// One transaction: it locks the queues' rows first, so claims of every coordinator from a
    /// queue with limits happen one after another, and each statement after the lock reads what
    /// the claims before it committed. It counts what each queue holds, reads the due tasks at the
    /// head of each priority level (and, when tasks of keys at their limit fill that head, walks
    /// the queue's keys one by one), lets `LimitedClaimPlan` choose, and claims the chosen tasks.
    package func claimLimitedTasks(
        assigningTo workerIDs: [UInt32?], queues: [String]? = nil, handoffs: [UUID]? = nil, lease: Duration,
        handOffDeadline: Duration = .zero, priorityAging: Duration? = nil
    ) async throws -> [ClaimedTask] {
        guard !workerIDs.isEmpty else { return [] }
        let store = self
        return try await client.withTransaction { connection in
            let (limited, keyWalkDue) = try LimitedClaimQueries.lockQueues(queues, on: connection)
            guard !limited.isEmpty else { return [] }
            let plan = LimitedClaimPlan(
                queues: limited, usage: try LimitedClaimQueries.usage(of: limited, on: connection), demand: workerIDs.count)
            let chosen = try Self.choose(with: plan, keyWalkDue: keyWalkDue, priorityAging: priorityAging, on: connection)
            guard !chosen.isEmpty else { return [] }
            let claimed = try connection.query(
                Self.limitedClaimSQL,
                store.claimParameters(
                    workerIDs: workerIDs, handoffs: handoffs, lease: lease, handOffDeadline: handOffDeadline,
                    first: PostgresArray(chosen.map(\.id)))
            ).map(ClaimedTask.init(row:))
            try LimitedClaimQueries.recordRateClaims(claimed, in: limited, on: connection)
            return claimed
        }
    }

    /// Reads each queue's candidates and lets `plan` choose among all of them. A queue whose head
    /// held `window` tasks and left room has its keys walked one by one, when `keyWalkDue` names
    /// it or its head gave no task at all.
    private static func choose(
        with plan: LimitedClaimPlan, keyWalkDue: Set<String>, priorityAging: Duration?, on connection: PostgresConnection
    ) throws -> [LimitedClaimPlan.Candidate] {
        var candidates: [LimitedClaimPlan.Candidate] = []
        var cutQueues: [(queue: String, gaveNothing: Bool)] = []
        for queue in plan.queuesWithRoom {
            let room = plan.rooms[queue] ?? 0
            let head = try LimitedClaimQueries.head(
                of: queue, window: LimitedClaimPlan.headWindow(room: room, keyLimited: plan.keyLimit(of: queue) != nil),
                unkeyedOnly: false, keysAtLimit: plan.keysAtLimit(of: queue, after: []), perKey: plan.keyLimit(of: queue),
                priorityAging: priorityAging, on: connection)
            candidates += head.candidates
            if head.wasCut { cutQueues.append((queue, head.candidates.isEmpty)) }
        }
        var chosen = plan.choose(candidates)
        for (queue, gaveNothing) in cutQueues
        where (gaveNothing || keyWalkDue.contains(queue)) && plan.needsKeyWalk(of: queue, after: chosen, headWasCut: true) {
            let keysAtLimit = plan.keysAtLimit(of: queue, after: [])
            candidates += try LimitedClaimQueries.keyWalk(
                of: queue, perKey: plan.keyLimit(of: queue) ?? 1, keysAtLimit: keysAtLimit, priorityAging: priorityAging,
                on: connection)
            candidates += try LimitedClaimQueries.head(
                of: queue, window: plan.rooms[queue] ?? 0, unkeyedOnly: true, keysAtLimit: [], perKey: nil,
                priorityAging: priorityAging, on: connection
            ).candidates
            try LimitedClaimQueries.recordKeyWalk(of: queue, on: connection)
            chosen = plan.choose(candidates)
        }
        return chosen
    }

    /// The claim of chosen tasks (`$1`, uuid[]), counted against their queue's limits.
    private static let limitedClaimSQL = ClaimStatement.sql(ids: "$1::uuid[]", limited: true)
}
