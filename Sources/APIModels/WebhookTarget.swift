import FoundationEssentials

/// Where a webhook's deliveries go: an `http` or `https` URL with a host, parsed once.
package struct WebhookTarget: Sendable, Hashable {
    package var isHTTPS: Bool
    /// A DNS name or an IP address (without brackets).
    package var host: String
    package var port: Int
    /// The path and query to `POST` to.
    package var path: String

    /// Parses `url`; throws a message naming what is wrong with it.
    package init(url: String) throws(WebhookTargetError) {
        guard url.utf8.count <= WebhookRules.maxURLLength else {
            throw WebhookTargetError("is longer than \(WebhookRules.maxURLLength) bytes")
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw WebhookTargetError("is not a URL")
        }
        guard scheme == "http" || scheme == "https" else { throw WebhookTargetError("must be http or https, not \(scheme)") }
        guard let host = components.host, !host.isEmpty else { throw WebhookTargetError("has no host") }
        guard Self.isDNSName(host) || Self.isIPv6Literal(host) else {
            throw WebhookTargetError("has a host that is neither a DNS name nor an IP address")
        }
        guard components.user == nil, components.password == nil else {
            throw WebhookTargetError("must not carry a user or a password: sign with the webhook's secret instead")
        }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65535).contains(port) else { throw WebhookTargetError("has no valid port") }
        isHTTPS = scheme == "https"
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = port
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        self.path = components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
    }
}

extension WebhookTarget {
    /// Dot-separated labels of letters, digits and hyphens, none starting or ending with a
    /// hyphen (an IPv4 address is one too).
    private static func isDNSName(_ host: String) -> Bool {
        host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { ($0.isASCII && $0.properties.isAlphabetic) || ("0"..."9").contains($0) || $0 == "-" }
        }
    }

    /// Hex digits, colons and dots (in brackets or not), as URLs write an IPv6 address.
    private static func isIPv6Literal(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? host.dropFirst().dropLast() : Substring(host)
        return bare.contains(":") && bare.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || $0 == ":" || $0 == "." }
    }
}

/// Why a URL cannot take deliveries.
package struct WebhookTargetError: Error, Sendable, Hashable, CustomStringConvertible {
    package var description: String

    init(_ description: String) {
        self.description = description
    }
}
