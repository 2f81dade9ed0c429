/// How busy a `PostgresClient`'s pool is at one moment.
package struct PostgresPoolUsage: Sendable, Hashable {
    /// Connections lent out or being opened.
    package var inUse: Int
    /// Callers waiting for a connection.
    package var waiting: Int

    package init(inUse: Int, waiting: Int) {
        self.inUse = inUse
        self.waiting = waiting
    }
}
