package import Logging
package import ServiceLifecycle

/// Runs a process's services until SIGTERM or SIGINT, or until one of them fails.
package enum ServiceRunner {
    /// Starts `services` in order; on a signal, or when one of them fails, stops the others in
    /// reverse order, each finishing its work first, then returns (rethrowing the failure).
    /// Clients (`ClientService`) go first in the list, so they close last either way.
    package static func run(_ services: [any Service], logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services.map {
                    ServiceGroupConfiguration.ServiceConfiguration(service: $0, failureTerminationBehavior: .gracefullyShutdownGroup)
                },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
