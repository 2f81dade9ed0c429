/// What a server handler knows about the call besides its request message.
public struct GRPCServerContext: Sendable {
    /// Custom request headers (pseudo-headers and gRPC protocol headers left out).
    public let metadata: GRPCMetadata
    /// When the caller stops waiting (from `grpc-timeout`); the handler's Task is cancelled then.
    public let deadline: ContinuousClock.Instant?
    /// The remote address, e.g. `127.0.0.1:50312`.
    public let peer: String

    public init(metadata: GRPCMetadata, deadline: ContinuousClock.Instant?, peer: String) {
        self.metadata = metadata
        self.deadline = deadline
        self.peer = peer
    }
}
