import NIOSSL

/// Words for why a TLS handshake or a TLS file failed, from BoringSSL's error codes:
/// `certificate verify failed`, `peer did not return a certificate`, `wrong version number` (a
/// peer speaking plain text), instead of an error's full dump.
package enum TLSFailureReason {
    package static func describe(_ error: any Error) -> String {
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return "the server's certificate does not name the host dialled"
        }
        let text = "\(error)"
        let reasons = text.split(separator: "OPENSSL_internal:").dropFirst().compactMap { part in
            part.prefix { $0.isLetter || $0.isNumber || $0 == "_" }.nilIfEmpty
        }
        guard !reasons.isEmpty else { return text }
        var seen: [String] = []
        for reason in reasons.map({ $0.lowercased().replacing("_", with: " ") }) where !seen.contains(reason) {
            seen.append(reason)
        }
        return seen.joined(separator: "; ")
    }

    /// The reason when `error` ended a TLS handshake (or came from TLS at all); nil for any other error.
    package static func ofTLS(_ error: any Error) -> String? {
        switch error {
        case is NIOSSLError, is NIOSSLExtraError, is BoringSSLError: describe(error)
        default: nil
        }
    }
}

extension Substring {
    fileprivate var nilIfEmpty: Substring? { isEmpty ? nil : self }
}
