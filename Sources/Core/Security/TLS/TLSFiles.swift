import FoundationEssentials

/// The bytes of a service's certificate, key and authority files as read at one moment; two
/// readings that are equal need no new TLS contexts.
struct TLSFiles: Sendable, Equatable {
    var certificate: [UInt8]
    var key: [UInt8]
    var certificateAuthority: [UInt8]?

    /// Reads the files `settings` names; throws `ConfigurationError` naming a file that cannot be read.
    static func read(_ settings: TLSSettings) throws -> TLSFiles {
        try TLSFiles(
            certificate: contents(of: settings.certificatePath, what: "certificate"),
            key: contents(of: settings.keyPath, what: "private key"),
            certificateAuthority: settings.certificateAuthorityPath.map { try contents(of: $0, what: "certificate authority") })
    }

    private static func contents(of path: String, what: String) throws -> [UInt8] {
        guard let contents = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "it cannot be read" : "no such file"
            throw ConfigurationError("cannot read the TLS \(what) \(path): \(reason)")
        }
        return Array(contents)
    }
}
