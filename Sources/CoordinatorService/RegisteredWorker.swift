import RPC
import TaskStorage

/// A worker known to the coordinator through its heartbeats.
package struct RegisteredWorker: Sendable, Hashable {
    package var id: UInt32
    /// `host:port` of its WorkerService.
    package var address: String
    /// Tasks it runs at once.
    package var capacity: Int
    /// Tasks it takes beyond `capacity` now, queued to start when a slot frees.
    package var prefetch = 0
    /// Tasks handed to it and not yet reported finished.
    package var inFlight: Int
    package var lastHeartbeat: ContinuousClock.Instant
    /// Shutting down: it gets no new tasks.
    package var draining = false
    /// A hand-off to it failed or was refused since its last heartbeat: it gets no new tasks
    /// until the next one shows it alive and says what it takes.
    package var awaitsHeartbeat = false
    /// Hand-offs to it that went unanswered, until its heartbeats tell whether it took them.
    var unanswered: [UnansweredHandOff] = []
    /// How it runs tasks, when it says (`shell`, `sleep`, `noop`).
    package var executor: String?
    /// Built from the original contract: its heartbeats say nothing of its capacity, and its
    /// reports nothing of who sends them or which attempt they are about.
    package var speaksOriginalContract = false
    /// The queues it takes tasks from, sorted; nil: every queue.
    package var queues: [String]?

    /// Tasks it can take now: free slots and free prefetch places.
    package var freeSlots: Int { takesTasks ? max(0, capacity + prefetch - inFlight) : 0 }

    /// Whether one of its slots is idle (a task sent now starts at once).
    var hasIdleSlot: Bool { takesTasks && inFlight < capacity }

    private var takesTasks: Bool { !draining && !awaitsHeartbeat }
}

/// A hand-off whose call failed or timed out: the worker may have taken it before its deadline.
struct UnansweredHandOff: Sendable, Hashable {
    var task: ClaimedTask
    /// When the hand-off's deadline passes by this host's monotonic clock.
    var deadline: ContinuousClock.Instant
    /// Heartbeats from the worker heard since the deadline passed.
    var heartbeatsHeard = 0
}
