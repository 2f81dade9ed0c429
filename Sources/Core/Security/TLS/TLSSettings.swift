/// Whether a TLS server asks its peers for a certificate.
package enum TLSClientAuth: String, CaseIterable, Sendable, Hashable {
    /// Any client may connect; only the server shows a certificate.
    case none
    /// A client without a certificate signed by `--tls_ca` is refused at the handshake.
    case require
}

/// Where a service's certificate, key and certificate authority are, and whether its servers
/// require client certificates: `--tls_cert`, `--tls_key`, `--tls_ca`, `--tls_client_auth`, or
/// their `TASKMASTER_TLS_*` variables. TLS is on when a certificate is given.
package struct TLSSettings: Sendable, Hashable {
    /// PEM file of the certificate chain the service shows, its own certificate first.
    package var certificatePath: String
    /// PEM file of the certificate's private key.
    package var keyPath: String
    /// PEM file of the certificate authorities peers are checked against; nil: the system's.
    package var certificateAuthorityPath: String?
    package var clientAuth: TLSClientAuth

    package static let certificateVariable = "TASKMASTER_TLS_CERT"
    package static let keyVariable = "TASKMASTER_TLS_KEY"
    package static let certificateAuthorityVariable = "TASKMASTER_TLS_CA"
    package static let clientAuthVariable = "TASKMASTER_TLS_CLIENT_AUTH"

    package init(certificatePath: String, keyPath: String, certificateAuthorityPath: String?, clientAuth: TLSClientAuth) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.certificateAuthorityPath = certificateAuthorityPath
        self.clientAuth = clientAuth
    }

    /// The settings the flags give, each flag falling back on its variable in `environment`;
    /// nil when neither names a certificate (TLS off). Throws when the settings cannot work
    /// together: a key or an authority without a certificate, a certificate without a key, or
    /// `require` without an authority to check clients against.
    package static func resolve(
        certificate: String?, key: String?, certificateAuthority: String?, clientAuth: String?,
        environment: [String: String]
    ) throws -> TLSSettings? {
        func value(_ flag: String?, _ variable: String) -> String? {
            let value = flag ?? environment[variable]
            return value?.isEmpty == false ? value : nil
        }
        let certificate = value(certificate, certificateVariable)
        let key = value(key, keyVariable)
        let authority = value(certificateAuthority, certificateAuthorityVariable)
        let authText = value(clientAuth, clientAuthVariable) ?? TLSClientAuth.none.rawValue
        guard let auth = TLSClientAuth(rawValue: authText) else {
            throw ConfigurationError("--tls_client_auth must be none or require, not '\(authText)'")
        }
        guard let certificate else {
            if key != nil || authority != nil || auth == .require {
                throw ConfigurationError(
                    "--tls_key, --tls_ca and --tls_client_auth=require need --tls_cert (or \(certificateVariable)): TLS is on only with a certificate")
            }
            return nil
        }
        guard let key else {
            throw ConfigurationError("--tls_cert needs --tls_key (or \(keyVariable)), the certificate's private key")
        }
        if auth == .require, authority == nil {
            throw ConfigurationError(
                "--tls_client_auth=require needs --tls_ca (or \(certificateAuthorityVariable)), the authority that signs client certificates")
        }
        return TLSSettings(certificatePath: certificate, keyPath: key, certificateAuthorityPath: authority, clientAuth: auth)
    }

    /// The files to watch for changes.
    var paths: [String] { [certificatePath, keyPath] + (certificateAuthorityPath.map { [$0] } ?? []) }
}
