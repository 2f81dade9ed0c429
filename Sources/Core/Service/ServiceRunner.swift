public import Logging
public import ServiceLifecycle

/// Runs a process's services until SIGTERM or SIGINT.
public enum ServiceRunner {
    /// Starts `services` in order; on a signal stops them in reverse order, each finishing its
    /// work first. `cleanup` runs afterwards, also when a service failed.
    public static func run(
        _ services: [any Service], logger: Logger, cleanup: () async -> Void
    ) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            await cleanup()
            throw error
        }
        await cleanup()
    }
}
