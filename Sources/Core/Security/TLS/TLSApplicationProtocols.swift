/// What a TLS connection carries inside, announced by ALPN.
package enum TLSApplicationProtocols: Sendable, Hashable, CaseIterable {
    /// gRPC: HTTP/2 only (`h2`).
    case grpc
    /// The scheduler's API: HTTP/2 or HTTP/1.1, as the client prefers.
    case http
    /// HTTP/1.1 only: the admin servers and `--check`.
    case http1

    /// The ALPN names, the preferred first.
    var names: [String] {
        switch self {
        case .grpc: ["h2"]
        case .http: ["h2", "http/1.1"]
        case .http1: ["http/1.1"]
        }
    }
}
