import NIOSSL

/// Words for why a TLS handshake or a TLS file failed, from BoringSSL's error codes:
/// `certificate verify failed`, `peer did not return a certificate`, `wrong version number` (a
/// peer speaking plain text), instead of an error's full dump.
enum TLSFailureReason {
    static func describe(_ error: any Error) -> String {
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
}

extension Substring {
    fileprivate var nilIfEmpty: Substring? { isEmpty ? nil : self }
}
