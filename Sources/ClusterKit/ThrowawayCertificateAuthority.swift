package import Foundation

/// A certificate authority made by `openssl` in a folder of its own, which issues certificates
/// (for 127.0.0.1 and localhost unless told otherwise), good for serving and for client
/// authentication alike: for the
/// tests and the benchmark's clusters with TLS.
package struct ThrowawayCertificateAuthority: Sendable {
    /// A certificate, its key and the authority that signed it, as PEM files.
    package struct Identity: Sendable {
        package var certificate: String
        package var key: String
        package var authority: String

        /// The flags a service needs to serve TLS with this identity and require client certificates.
        package var serviceArguments: [String] {
            ["--tls_cert=\(certificate)", "--tls_key=\(key)", "--tls_ca=\(authority)", "--tls_client_auth=require"]
        }

        /// The options that make curl trust the authority and show the certificate.
        package var curlArguments: [String] { ["--cacert", authority, "--cert", certificate, "--key", key] }

        /// The serial number of the certificate the TLS server on this host's `port` shows a new
        /// connection, which this identity checks and answers with its own certificate.
        package func servedSerial(port: Int) async throws -> String {
            let script = """
                openssl s_client -connect 127.0.0.1:\(port) -servername localhost -CAfile "$1" -cert "$2" -key "$3" \
                  -verify_return_error </dev/null 2>/dev/null | openssl x509 -noout -serial
                """
            let result = try await runCommand(["sh", "-c", script, "sh", authority, certificate, key])
            return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    package let directory: URL
    package var certificate: String { directory.appendingPathComponent("ca.crt").path }
    private var key: String { directory.appendingPathComponent("ca.key").path }

    /// A new authority named `name`.
    package static func create(name: String = "TaskMaster test CA") async throws -> ThrowawayCertificateAuthority {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let authority = ThrowawayCertificateAuthority(directory: directory)
        try await openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-subj", "/CN=\(name)", "-keyout", authority.key, "-out", authority.certificate,
        ])
        return authority
    }

    /// A new key and a certificate for `name` signed by this authority, written to `name.crt`
    /// and `name.key` (replacing earlier ones of that name through a rename, as cert-manager and
    /// Kubernetes do, when `atomically`). It names `subjectAlternativeNames` (as openssl writes
    /// them). Each certificate has a serial number of its own.
    @discardableResult
    package func issue(
        _ name: String, atomically: Bool = false, subjectAlternativeNames: [String] = ["DNS:localhost", "IP:127.0.0.1"]
    ) async throws -> Identity {
        let stem = directory.appendingPathComponent(name).path
        let staging = atomically ? directory.appendingPathComponent("\(name)-\(UUID().uuidString)").path : stem
        let extensions = directory.appendingPathComponent("\(name).ext").path
        try "subjectAltName=\(subjectAlternativeNames.joined(separator: ","))\nextendedKeyUsage=serverAuth,clientAuth\n"
            .write(toFile: extensions, atomically: true, encoding: .utf8)
        try await openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=\(name)",
            "-keyout", "\(staging).key", "-out", "\(staging).csr",
        ])
        try await openssl([
            "x509", "-req", "-in", "\(staging).csr", "-CA", certificate, "-CAkey", key, "-set_serial",
            String(UInt32.random(in: 1...UInt32.max)), "-days", "2", "-extfile", extensions, "-out", "\(staging).crt",
        ])
        if atomically {
            for suffix in [".key", ".crt"] { try rename(staging + suffix, to: stem + suffix) }
        }
        return Identity(certificate: "\(stem).crt", key: "\(stem).key", authority: certificate)
    }

    /// The serial number (hexadecimal, as openssl prints it) of the certificate in `file`.
    package static func serial(ofCertificate file: String) async throws -> String {
        try await openssl(["x509", "-noout", "-serial", "-in", file]).output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    package func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func rename(_ source: String, to destination: String) throws {
        guard Foundation.rename(source, destination) == 0 else {
            throw TimedOut(description: "cannot rename \(source) to \(destination): errno \(errno)")
        }
    }

    @discardableResult
    private static func openssl(_ arguments: [String]) async throws -> CommandResult {
        let result = try await runCommand(["openssl"] + arguments)
        guard result.status == 0 else {
            throw TimedOut(description: "openssl \(arguments.prefix(2).joined(separator: " ")) failed: \(result.errors)")
        }
        return result
    }

    private func openssl(_ arguments: [String]) async throws {
        try await Self.openssl(arguments)
    }
}
