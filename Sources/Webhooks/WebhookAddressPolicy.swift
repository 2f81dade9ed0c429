package import NIOCore

/// Which addresses deliveries may go to. A webhook's host is resolved at each attempt and the
/// address is checked before connecting to that very address, so a name that turns into a
/// private address later (DNS rebinding) is caught too.
package enum WebhookAddressPolicy: String, Sendable, Hashable, CaseIterable {
    /// Any address: webhooks are made with an `admin` token, by people trusted with the cluster.
    case any
    /// Public addresses only: no loopback, private, link-local, shared (CGNAT) or unspecified
    /// address, IPv4 or IPv6 (an IPv4 address mapped into IPv6 included).
    case `public`

    /// Whether a delivery may go to `address`.
    package func allows(_ address: SocketAddress) -> Bool {
        self == .any || !(address.ipAddress.map(Self.isInternal) ?? true)
    }

    /// Whether the textual IP address `text` is loopback, private, link-local, shared or unspecified.
    static func isInternal(_ text: String) -> Bool {
        if let v4 = ipv4Octets(text) { return isInternal(v4) }
        let lowered = text.lowercased()
        if lowered == "::" || lowered == "::1" { return true }
        if lowered.hasPrefix("::ffff:"), let v4 = ipv4Octets(String(lowered.dropFirst(7))) { return isInternal(v4) }
        guard let first = lowered.split(separator: ":", omittingEmptySubsequences: false).first,
            let hextet = UInt16(first, radix: 16)
        else { return true }
        // fc00::/7 unique local, fe80::/10 link-local.
        return hextet & 0xfe00 == 0xfc00 || hextet & 0xffc0 == 0xfe80
    }

    private static func isInternal(_ octets: [UInt8]) -> Bool {
        switch (octets[0], octets[1]) {
        case (0, _), (10, _), (127, _): true
        case (100, 64...127): true
        case (169, 254), (192, 168): true
        case (172, 16...31): true
        default: false
        }
    }

    private static func ipv4Octets(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let octets = parts.compactMap { UInt8($0) }
        return octets.count == 4 ? octets : nil
    }
}
