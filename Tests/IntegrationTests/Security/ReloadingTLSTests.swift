import ClusterKit
import Foundation
import Logging
import Testing

@testable import Core

/// Reading TLS files again: certificates made by openssl, written over the files in use.
@Suite struct ReloadingTLSTests {
    @Test func aNewCertificateReplacesTheContextsAndABadOneKeepsThemAndIsLoggedOnce() async throws {
        let authority = try await ThrowawayCertificateAuthority.create()
        defer { authority.remove() }
        let identity = try await authority.issue("server")
        let log = LogCapture()
        let tls = try ReloadingTLS(
            settings: TLSSettings(
                certificatePath: identity.certificate, keyPath: identity.key, certificateAuthorityPath: identity.authority,
                clientAuth: .require),
            logger: log.logger)
        let first = tls.serverContext(for: .grpc)
        #expect(!tls.reload(cause: "test"), "unchanged files make no new contexts")
        #expect(tls.serverContext(for: .grpc) === first)

        try await authority.issue("server", atomically: true)
        #expect(tls.reload(cause: "test"))
        let second = tls.serverContext(for: .grpc)
        #expect(second !== first)
        #expect(log.text.contains("TLS certificate reloaded"))

        // A key that does not belong to the certificate (a renewal caught half-written).
        let other = try await authority.issue("other")
        try FileManager.default.removeItem(atPath: identity.key)
        try FileManager.default.copyItem(atPath: other.key, toPath: identity.key)
        #expect(!tls.reload(cause: "test"))
        #expect(!tls.reload(cause: "test"))
        #expect(tls.serverContext(for: .grpc) === second, "the working certificate stays")
        #expect(log.text.components(separatedBy: "TLS files not reloaded").count == 2, "logged once: \(log.text)")
        #expect(log.text.contains("the TLS certificate and key cannot be used together"), "\(log.text)")

        try "not PEM".write(toFile: identity.certificate, atomically: true, encoding: .utf8)
        #expect(!tls.reload(cause: "test"))
        #expect(log.text.contains("is not valid PEM"), "\(log.text)")
    }

    @Test func aMissingFileStopsTheServiceFromStartingWithItsName() {
        #expect {
            try ReloadingTLS(
                settings: TLSSettings(certificatePath: "/nonexistent/server.crt", keyPath: "/nonexistent/server.key", certificateAuthorityPath: nil, clientAuth: .none),
                logger: Logger(label: "test"))
        } throws: { error in
            "\(error)" == "cannot read the TLS certificate /nonexistent/server.crt: no such file"
        }
    }
}
