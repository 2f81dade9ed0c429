import APIClient
import Testing

@testable import Core

@Suite struct TLSSettingsTests {
    private func resolve(
        certificate: String? = nil, key: String? = nil, authority: String? = nil, clientAuth: String? = nil,
        environment: [String: String] = [:]
    ) throws -> TLSSettings? {
        try TLSSettings.resolve(
            certificate: certificate, key: key, certificateAuthority: authority, clientAuth: clientAuth, environment: environment)
    }

    @Test func tlsIsOffWithoutACertificate() throws {
        #expect(try resolve() == nil)
        #expect(try resolve(environment: ["TASKMASTER_TLS_CERT": ""]) == nil)
    }

    @Test func flagsWinOverVariables() throws {
        let environment = [
            "TASKMASTER_TLS_CERT": "env.crt", "TASKMASTER_TLS_KEY": "env.key", "TASKMASTER_TLS_CA": "env-ca.crt",
            "TASKMASTER_TLS_CLIENT_AUTH": "require",
        ]
        let fromEnvironment = try #require(try resolve(environment: environment))
        #expect(fromEnvironment == TLSSettings(certificatePath: "env.crt", keyPath: "env.key", certificateAuthorityPath: "env-ca.crt", clientAuth: .require))
        let fromFlags = try #require(try resolve(certificate: "flag.crt", clientAuth: "none", environment: environment))
        #expect(fromFlags.certificatePath == "flag.crt")
        #expect(fromFlags.keyPath == "env.key")
        #expect(fromFlags.clientAuth == .none)
    }

    @Test func settingsThatCannotWorkTogetherAreRefusedWithTheFlagToFix() {
        let cases: [(certificate: String?, key: String?, authority: String?, auth: String?, says: String)] = [
            ("a.crt", nil, nil, nil, "--tls_cert needs --tls_key"),
            (nil, "a.key", nil, nil, "need --tls_cert"),
            (nil, nil, "ca.crt", nil, "need --tls_cert"),
            ("a.crt", "a.key", nil, "require", "--tls_client_auth=require needs --tls_ca"),
            ("a.crt", "a.key", "ca.crt", "sometimes", "must be none or require"),
        ]
        for entry in cases {
            #expect {
                try resolve(certificate: entry.certificate, key: entry.key, authority: entry.authority, clientAuth: entry.auth)
            } throws: { error in
                "\(error)".contains(entry.says)
            }
        }
    }

    @Test func handshakeFailuresAreNamedInWords() {
        let dump = "handshakeFailed(NIOSSL.BoringSSLError.sslError([Error: 268435646 error:100000be:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER]))"
        #expect(TLSFailureReason.describe(FakeError(text: dump)) == "wrong version number")
        let twice = "[error:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED, error:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED]"
        #expect(TLSFailureReason.describe(FakeError(text: twice)) == "certificate verify failed")
        #expect(TLSFailureReason.describe(FakeError(text: "connection reset")) == "connection reset")
    }
}

private struct FakeError: Error, CustomStringConvertible {
    var text: String
    var description: String { text }
}
