package import ServiceLifecycle

/// A long-lived client as a Service of its process's group. A group stops its services in
/// reverse order (`ServiceRunner`'s also when one of them fails), so a client listed before the
/// services that use it is closed after they have all stopped; until then it does nothing.
/// Cancelled, it closes at once.
package protocol ClientService: Service {
    /// Closes the client; calls made afterwards fail.
    func close() async
}

extension ClientService {
    package func run() async {
        try? await gracefulShutdown()
        await close()
    }
}
