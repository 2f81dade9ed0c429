import NIOCore
package import ServiceLifecycle
import Glibc

/// A server could not bind its address: the one line a service prints before it exits.
package struct ListenError: Error, Sendable, CustomStringConvertible {
    package var address: ListenAddress
    package var reason: String

    package init(address: ListenAddress, cause: any Error) {
        self.address = address
        reason = (cause as? IOError).flatMap { Self.reasons[$0.errnoCode] } ?? "\(cause)"
    }

    package var description: String { "cannot listen on \(address): \(reason)" }

    /// The errors a bind reports, in words.
    fileprivate static let reasons: [CInt: String] = [
        EADDRINUSE: "address already in use",
        EADDRNOTAVAIL: "address not available on this host",
        EACCES: "permission denied",
    ]
}

/// Runs an HTTP server as a Service, reporting a failure to bind its address as a `ListenError`.
package struct BindingService<Server: Service>: Service {
    package var server: Server
    package var address: ListenAddress

    package init(_ server: Server, address: ListenAddress) {
        self.server = server
        self.address = address
    }

    package func run() async throws {
        do {
            try await server.run()
        } catch let error as IOError where ListenError.reasons[error.errnoCode] != nil {
            throw ListenError(address: address, cause: error)
        }
    }
}
