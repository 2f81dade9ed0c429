public import struct Foundation.UUID

/// A task a coordinator took from the queue to hand to a worker.
public struct ClaimedTask: Sendable, Hashable {
    public var id: UUID
    public var command: String
    /// This attempt's number, starting at 1.
    public var attempt: Int
    public var timeoutSeconds: Int?
    /// The worker it is recorded as held by, once chosen.
    public var workerID: UInt32?
    /// The token of this hand-off, which the worker's reports must carry back.
    public var handoff: UUID

    public init(id: UUID, command: String, attempt: Int, timeoutSeconds: Int?, workerID: UInt32? = nil, handoff: UUID) {
        self.id = id
        self.command = command
        self.attempt = attempt
        self.timeoutSeconds = timeoutSeconds
        self.workerID = workerID
        self.handoff = handoff
    }

}
