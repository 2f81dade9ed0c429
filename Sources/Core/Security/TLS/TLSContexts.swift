import APIClient
package import NIOSSL

/// The TLS contexts one reading of the files gives: a server context for each protocol a
/// service serves, and the context its gRPC clients connect with. Building them checks the files:
/// PEM that does not parse, or a key that does not belong to the certificate, throws.
struct TLSContexts: Sendable {
    let servers: [TLSApplicationProtocols: NIOSSLContext]
    let grpcClient: NIOSSLContext
    /// The certificate's subject and expiry, for the log.
    let summary: String

    init(files: TLSFiles, clientAuth: TLSClientAuth) throws {
        let identity = try Identity(files: files)
        servers = try Dictionary(
            uniqueKeysWithValues: TLSApplicationProtocols.allCases.map { protocols in
                var configuration = TLSConfiguration.makeServerConfiguration(
                    certificateChain: identity.chain.map { .certificate($0) }, privateKey: .privateKey(identity.key))
                configuration.certificateVerification = clientAuth == .require ? .noHostnameVerification : .none
                configuration.trustRoots = identity.trustRoots
                configuration.applicationProtocols = protocols.names
                return (protocols, try identity.context(configuration))
            })
        grpcClient = try identity.context(identity.clientConfiguration(verification: .fullVerification, protocols: .grpc))
        summary = identity.summary
    }

    /// A client context for `--check`: it asks this host's own service, so it presents the
    /// certificate (a server may require one) and does not check the server's.
    static func selfCheckClient(files: TLSFiles) throws -> NIOSSLContext {
        let identity = try Identity(files: files)
        return try identity.context(identity.clientConfiguration(verification: .none, protocols: .http1))
    }

    /// The parsed files.
    private struct Identity {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        let trustRoots: NIOSSLTrustRoots

        init(files: TLSFiles) throws {
            do {
                chain = try PEM.certificates(files.certificate, what: "certificate")
                key = try PEM.privateKey(files.key)
                trustRoots = try files.certificateAuthority.map { .certificates(try PEM.certificates($0, what: "certificate authority")) } ?? .default
            } catch {
                throw ConfigurationError("\(error)")
            }
        }

        var summary: String {
            "valid until \(Timestamp(microsecondsSinceEpoch: Int64(chain[0].notValidAfter) * 1_000_000).rfc3339)"
        }

        func clientConfiguration(verification: CertificateVerification, protocols: TLSApplicationProtocols) -> TLSConfiguration {
            .client(trustRoots: trustRoots, chain: chain, key: key, verification: verification, applicationProtocols: protocols.names)
        }

        /// A context for `configuration`; BoringSSL refuses a key that does not match the certificate.
        func context(_ configuration: TLSConfiguration) throws -> NIOSSLContext {
            do {
                return try PEM.context(configuration)
            } catch {
                throw ConfigurationError("\(error)")
            }
        }
    }
}
