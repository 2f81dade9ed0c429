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
        var client = identity.clientConfiguration(verification: .fullVerification)
        client.applicationProtocols = TLSApplicationProtocols.grpc.names
        grpcClient = try identity.context(client)
        summary = identity.summary
    }

    /// A client context for `--check`: it asks this host's own service, so it presents the
    /// certificate (a server may require one) and does not check the server's.
    static func selfCheckClient(files: TLSFiles) throws -> NIOSSLContext {
        let identity = try Identity(files: files)
        var configuration = identity.clientConfiguration(verification: .none)
        configuration.applicationProtocols = TLSApplicationProtocols.http1.names
        return try identity.context(configuration)
    }

    /// The parsed files.
    private struct Identity {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        let trustRoots: NIOSSLTrustRoots

        init(files: TLSFiles) throws {
            chain = try Self.parse("certificate") { try NIOSSLCertificate.fromPEMBytes(files.certificate) }
            guard !chain.isEmpty else { throw ConfigurationError("the TLS certificate file holds no PEM certificate") }
            key = try Self.parse("private key") { try NIOSSLPrivateKey(bytes: files.key, format: .pem) }
            if let authority = files.certificateAuthority {
                let roots = try Self.parse("certificate authority") { try NIOSSLCertificate.fromPEMBytes(authority) }
                guard !roots.isEmpty else { throw ConfigurationError("the TLS certificate authority file holds no PEM certificate") }
                trustRoots = .certificates(roots)
            } else {
                trustRoots = .default
            }
        }

        var summary: String {
            "valid until \(Timestamp(microsecondsSinceEpoch: Int64(chain[0].notValidAfter) * 1_000_000).rfc3339)"
        }

        func clientConfiguration(verification: CertificateVerification) -> TLSConfiguration {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(key)
            configuration.trustRoots = trustRoots
            configuration.certificateVerification = verification
            return configuration
        }

        /// A context for `configuration`; BoringSSL refuses a key that does not match the certificate.
        func context(_ configuration: TLSConfiguration) throws -> NIOSSLContext {
            do {
                return try NIOSSLContext(configuration: configuration)
            } catch {
                throw ConfigurationError("the TLS certificate and key cannot be used together: \(TLSFailureReason.describe(error))")
            }
        }

        private static func parse<Value>(_ what: String, _ body: () throws -> Value) throws -> Value {
            do {
                return try body()
            } catch {
                throw ConfigurationError("the TLS \(what) is not valid PEM: \(TLSFailureReason.describe(error))")
            }
        }
    }
}
