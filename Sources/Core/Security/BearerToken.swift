/// A shared secret carried as `Authorization: Bearer <token>` (HTTP) or as the
/// `authorization` metadata of a gRPC call.
package struct BearerToken: Sendable, Hashable {
    /// The gRPC metadata key (HTTP/2 header name) that carries the token.
    package static let metadataKey = "authorization"

    package let value: String

    /// nil for an empty token: an empty setting means "no token".
    package init?(_ value: String?) {
        guard let value, !value.isEmpty else { return nil }
        self.value = value
    }

    /// The header or metadata value that presents this token.
    package var authorizationValue: String { "Bearer " + value }

    /// Whether `authorization` (`Bearer <token>`, the scheme in any case, one or more spaces
    /// after it) presents this token. The comparison takes the same time however many leading
    /// bytes match, so timing does not reveal the token.
    package func isPresented(by authorization: String?) -> Bool {
        guard let authorization else { return false }
        let bytes = Array(authorization.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count >= scheme.count, bytes[..<scheme.count].map(Self.lowercased) == scheme else { return false }
        return Self.constantTimeEquals(Array(bytes[scheme.count...].drop { $0 == UInt8(ascii: " ") }), Array(value.utf8))
    }

    /// Compares every byte of the longer input, whatever the contents; only the lengths'
    /// equality shows in the timing.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference: UInt8 = lhs.count == rhs.count ? 0 : 1
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }
}
