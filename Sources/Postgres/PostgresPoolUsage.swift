/// How busy a `PostgresClient`'s pool is at one moment.
public struct PostgresPoolUsage: Sendable, Hashable {
    /// Connections lent out or being opened.
    public var inUse: Int
    /// Callers waiting for a connection.
    public var waiting: Int

    public init(inUse: Int, waiting: Int) {
        self.inUse = inUse
        self.waiting = waiting
    }
}
