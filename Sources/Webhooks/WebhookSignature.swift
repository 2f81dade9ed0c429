import Core
import Crypto

/// The signature of a delivery, in `TaskMaster-Signature: t=<unix seconds>,v1=<hex>`: HMAC-SHA256
/// with the webhook's secret over `<t>.` followed by the body. A receiver recomputes it with its
/// copy of the secret, compares in constant time, and refuses a `t` too far from its own clock,
/// so a recorded delivery cannot be replayed later.
package enum WebhookSignature {
    package static let headerName = "TaskMaster-Signature"

    /// The header's value for `body` signed at `unixSeconds`.
    package static func header(body: [UInt8], secret: String, unixSeconds: Int64) -> String {
        "t=\(unixSeconds),v1=\(signature(body: body, secret: secret, unixSeconds: unixSeconds))"
    }

    /// The hex HMAC-SHA256 of `<unixSeconds>.` + `body` with `secret`.
    package static func signature(body: [UInt8], secret: String, unixSeconds: Int64) -> String {
        var message = Array("\(unixSeconds).".utf8)
        message += body
        return lowercaseHex(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8))))
    }
}
