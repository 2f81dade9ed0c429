/// What a server handler knows about the call besides its request message.
package struct GRPCServerContext: Sendable {
    /// Custom request headers (pseudo-headers and gRPC protocol headers left out).
    package let metadata: GRPCMetadata
    /// When the caller stops waiting (from `grpc-timeout`); the handler's Task is cancelled then.
    package let deadline: ContinuousClock.Instant?
    /// The remote address, e.g. `127.0.0.1:50312`.
    package let peer: String

    package init(metadata: GRPCMetadata, deadline: ContinuousClock.Instant?, peer: String) {
        self.metadata = metadata
        self.deadline = deadline
        self.peer = peer
    }
}
