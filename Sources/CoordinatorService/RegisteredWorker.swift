import RPC

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
    /// How it runs tasks, when it says (`shell`, `sleep`, `noop`).
    package var executor: String?
    /// Built from the original contract: its heartbeats say nothing of its capacity, and its
    /// reports nothing of who sends them or which attempt they are about.
    package var speaksOriginalContract = false

    /// Tasks it can take now: free slots and free prefetch places.
    package var freeSlots: Int { draining ? 0 : max(0, capacity + prefetch - inFlight) }

    /// Whether one of its slots is idle (a task sent now starts at once).
    var hasIdleSlot: Bool { !draining && inFlight < capacity }
}
