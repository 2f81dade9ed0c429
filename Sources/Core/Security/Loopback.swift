import NIOCore

/// The one test of "this host only", for listen addresses and for peers alike.
enum Loopback {
    /// Whether `host` (a name or address to listen on, or a peer's IP) reaches this host only:
    /// `localhost`, `127.0.0.0/8`, `::1` (bracketed or not), or `::ffff:127.x.y.z`.
    static func contains(_ host: String) -> Bool {
        let host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return host == "localhost" || host == "::1" || host.hasPrefix("127.") || host.hasPrefix("::ffff:127.")
    }
}

extension ListenAddress {
    /// Whether only this host can connect to this address.
    package var isLoopback: Bool { Loopback.contains(host) }
}

extension SocketAddress {
    /// Whether this peer is on this host; false when its IP is unknown.
    var isOnThisHost: Bool { ipAddress.map(Loopback.contains) ?? false }
}
