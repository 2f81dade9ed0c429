package import Logging
package import ServiceLifecycle

/// Runs a process's services until SIGTERM or SIGINT.
package enum ServiceRunner {
    /// Starts `services` in order; on a signal stops them in reverse order, each finishing its
    /// work first. Clients (`ClientService`) go first in the list, so they close last.
    package static func run(_ services: [any Service], logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
