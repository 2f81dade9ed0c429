package import NIOSSL

/// What an HTTPS client of the scheduler trusts and shows: the authority it checks the server's
/// certificate against (the system's when nil), and its own certificate and key for a server
/// that requires one.
package struct HTTPSClientFiles: Sendable, Equatable {
    package var certificateAuthority: String?
    package var certificate: String?
    package var key: String?

    package init(certificateAuthority: String?, certificate: String?, key: String?) {
        self.certificateAuthority = certificateAuthority
        self.certificate = certificate
        self.key = key
    }

    /// An HTTP/1.1 client context that checks the server's certificate fully, its host name or
    /// IP address included (see `addTLSClientHandler`). Throws `TLSFileError` naming a file that
    /// cannot be read or used, or a certificate given without its key (or a key without one).
    package func context() throws(TLSFileError) -> NIOSSLContext {
        let trustRoots: NIOSSLTrustRoots =
            if let certificateAuthority {
                .certificates(try PEM.certificates(try PEM.file(certificateAuthority, what: "certificate authority"), what: "certificate authority"))
            } else {
                .default
            }
        var chain: [NIOSSLCertificate] = []
        var privateKey: NIOSSLPrivateKey?
        switch (certificate, key) {
        case (nil, nil):
            break
        case (let certificate?, let key?):
            chain = try PEM.certificates(try PEM.file(certificate, what: "certificate"), what: "certificate")
            privateKey = try PEM.privateKey(try PEM.file(key, what: "private key"))
        case (_?, nil):
            throw TLSFileError("a client certificate needs its private key too")
        case (nil, _?):
            throw TLSFileError("a private key needs its client certificate too")
        }
        return try PEM.context(
            .client(
                trustRoots: trustRoots, chain: chain, key: privateKey, verification: .fullVerification,
                applicationProtocols: ["http/1.1"]))
    }
}
