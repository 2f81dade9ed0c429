import APIClient
import ArgumentParser

/// How an https:// scheduler is trusted and what the client shows it: `--cacert`, `--cert` and
/// `--cert-key`, each falling back on its variable (`--key` is a task's concurrency key).
struct TLSOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "PEM file of the authority the scheduler's certificate is checked against, its host name or IP address included (default: $TASKMASTER_CA, else the system's).",
            valueName: "file"))
    var cacert: String?

    @Option(
        help: ArgumentHelp(
            "PEM file of a client certificate, for a scheduler that requires one (default: $TASKMASTER_CERT).", valueName: "file"))
    var cert: String?

    @Option(
        name: .customLong("cert-key"),
        help: ArgumentHelp("PEM file of the client certificate's private key (default: $TASKMASTER_CERT_KEY).", valueName: "file"))
    var key: String?

    /// The files the flags and variables name; nil when none is named.
    func files() throws(CLIFailure) -> HTTPSClientFiles? {
        let files = HTTPSClientFiles(
            certificateAuthority: Self.value(cacert, "TASKMASTER_CA"), certificate: Self.value(cert, "TASKMASTER_CERT"),
            key: Self.value(key, "TASKMASTER_CERT_KEY"))
        switch (files.certificate, files.key) {
        case (_?, nil): throw .other("--cert (TASKMASTER_CERT) needs --cert-key (TASKMASTER_CERT_KEY), the certificate's private key")
        case (nil, _?): throw .other("--cert-key (TASKMASTER_CERT_KEY) needs --cert (TASKMASTER_CERT), the client certificate")
        default: break
        }
        return files == HTTPSClientFiles(certificateAuthority: nil, certificate: nil, key: nil) ? nil : files
    }

    private static func value(_ flag: String?, _ variable: String) -> String? {
        (flag ?? environment(variable)).flatMap { $0.isEmpty ? nil : $0 }
    }
}
