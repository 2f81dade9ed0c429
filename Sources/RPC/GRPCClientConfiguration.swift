public import Core

/// Settings of a `GRPCClient`.
public struct GRPCClientConfiguration: Sendable {
    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// How long opening the connection may take before calls fail with UNAVAILABLE.
    public var connectTimeout: Duration = .seconds(2)
    /// Response messages larger than this fail the call with RESOURCE_EXHAUSTED.
    public var maxReceiveMessageBytes: Int = 4 << 20
    /// Sent with every call as `authorization: Bearer <token>` metadata (the cluster token).
    public var bearerToken: BearerToken?

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public init(host: String, port: Int, connectTimeout: Duration, maxReceiveMessageBytes: Int = 4 << 20) {
        self.host = host
        self.port = port
        self.connectTimeout = connectTimeout
        self.maxReceiveMessageBytes = maxReceiveMessageBytes
    }
}
