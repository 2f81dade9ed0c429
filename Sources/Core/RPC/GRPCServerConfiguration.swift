/// Settings of a `GRPCServer`.
public struct GRPCServerConfiguration: Sendable {
    /// The address to bind.
    public var host: String = "0.0.0.0"
    /// The port to bind; 0 picks a free one (see `GRPCServer.listeningPort()`).
    public var port: Int = 0
    /// Request messages larger than this are refused with RESOURCE_EXHAUSTED.
    public var maxReceiveMessageBytes: Int = 4 << 20
    /// Concurrent calls allowed per connection (HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS).
    public var maxConcurrentStreams: Int = 1024
    /// How long in-flight calls may run after shutdown starts before connections are closed.
    public var shutdownGracePeriod: Duration = .seconds(10)
    /// When set, calls must carry `authorization: Bearer <token>` metadata; calls without it,
    /// or with another token, are answered UNAUTHENTICATED before their handler runs.
    public var requiredBearerToken: BearerToken?

    public init(
        host: String = "0.0.0.0",
        port: Int = 0,
        maxReceiveMessageBytes: Int = 4 << 20,
        maxConcurrentStreams: Int = 1024,
        shutdownGracePeriod: Duration = .seconds(10),
        requiredBearerToken: BearerToken? = nil
    ) {
        self.host = host
        self.port = port
        self.maxReceiveMessageBytes = maxReceiveMessageBytes
        self.maxConcurrentStreams = maxConcurrentStreams
        self.shutdownGracePeriod = shutdownGracePeriod
        self.requiredBearerToken = requiredBearerToken
    }
}
