import FoundationEssentials
package import NIOSSL

/// Why a TLS file cannot be used, naming the file: it cannot be read, holds no PEM of its kind,
/// or its key does not belong to its certificate.
package struct TLSFileError: Error, Sendable, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}

/// The certificates and keys of PEM files, parsed by BoringSSL. `what` names the file in errors
/// ("certificate", "certificate authority", "private key").
package enum PEM {
    /// The bytes of the file at `path`.
    package static func file(_ path: String, what: String) throws(TLSFileError) -> [UInt8] {
        guard let contents = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be read" : "no such file"
            throw TLSFileError("cannot read the TLS \(what) \(path): \(reason)")
        }
        return Array(contents)
    }

    /// Every certificate in `bytes`, at least one.
    package static func certificates(_ bytes: [UInt8], what: String) throws(TLSFileError) -> [NIOSSLCertificate] {
        let certificates = try parse(what) { try NIOSSLCertificate.fromPEMBytes(bytes) }
        guard !certificates.isEmpty else { throw TLSFileError("the TLS \(what) file holds no PEM certificate") }
        return certificates
    }

    package static func privateKey(_ bytes: [UInt8], what: String = "private key") throws(TLSFileError) -> NIOSSLPrivateKey {
        try parse(what) { try NIOSSLPrivateKey(bytes: bytes, format: .pem) }
    }

    /// A context for `configuration`; BoringSSL refuses a key that does not match its certificate.
    package static func context(_ configuration: TLSConfiguration) throws(TLSFileError) -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSFileError("the TLS certificate and key cannot be used together: \(TLSFailureReason.describe(error))")
        }
    }

    private static func parse<Value>(_ what: String, _ body: () throws -> Value) throws(TLSFileError) -> Value {
        do {
            return try body()
        } catch {
            throw TLSFileError("the TLS \(what) is not valid PEM: \(TLSFailureReason.describe(error))")
        }
    }
}

extension TLSConfiguration {
    /// A client configuration that trusts `trustRoots`, checks the server as `verification` says
    /// and, when `chain` is not empty, shows it with `key` to servers that ask for a certificate.
    package static func client(
        trustRoots: NIOSSLTrustRoots, chain: [NIOSSLCertificate], key: NIOSSLPrivateKey?,
        verification: CertificateVerification, applicationProtocols: [String]
    ) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = chain.map { .certificate($0) }
        configuration.privateKey = key.map { .privateKey($0) }
        configuration.trustRoots = trustRoots
        configuration.certificateVerification = verification
        configuration.applicationProtocols = applicationProtocols
        return configuration
    }
}
