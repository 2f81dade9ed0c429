package import Core

/// Settings of a `GRPCClient`.
package struct GRPCClientConfiguration: Sendable {
    /// The server's host name or address.
    package var host: String
    /// The server's port.
    package var port: Int
    /// How long opening the connection may take before calls fail with UNAVAILABLE.
    package var connectTimeout: Duration = .seconds(2)
    /// Response messages larger than this fail the call with RESOURCE_EXHAUSTED.
    package var maxReceiveMessageBytes: Int = 4 << 20
    /// Sent with every call as `authorization: Bearer <token>` metadata (the cluster token).
    package var bearerToken: BearerToken?

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    package init(host: String, port: Int, connectTimeout: Duration, maxReceiveMessageBytes: Int = 4 << 20) {
        self.host = host
        self.port = port
        self.connectTimeout = connectTimeout
        self.maxReceiveMessageBytes = maxReceiveMessageBytes
    }
}
