import APIClient

/// The bytes of a service's certificate, key and authority files as read at one moment; two
/// readings that are equal need no new TLS contexts.
struct TLSFiles: Sendable, Equatable {
    var certificate: [UInt8]
    var key: [UInt8]
    var certificateAuthority: [UInt8]?

    /// Reads the files `settings` names; throws `ConfigurationError` naming a file that cannot be read.
    static func read(_ settings: TLSSettings) throws -> TLSFiles {
        do {
            return try TLSFiles(
                certificate: PEM.file(settings.certificatePath, what: "certificate"),
                key: PEM.file(settings.keyPath, what: "private key"),
                certificateAuthority: settings.certificateAuthorityPath.map { try PEM.file($0, what: "certificate authority") })
        } catch {
            throw ConfigurationError("\(error)")
        }
    }
}
