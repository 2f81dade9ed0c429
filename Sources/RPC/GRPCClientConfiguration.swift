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
    /// With TLS, each new connection shows the certificate current then and checks the server's
    /// against the authority and `host` (DNS name or IP address). Nil: cleartext.
    package var tls: ReloadingTLS?
    /// The name the server's certificate is checked against when `host` is one of that name's
    /// resolved addresses; nil: `host` itself.
    package var serverName: String?

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
