/// A message sent with `NOTIFY channel, 'payload'` (or `pg_notify`) to a listening connection.
public struct PostgresNotification: Sendable, Equatable {
    public var channel: String
    public var payload: String

    public init(channel: String, payload: String) {
        self.channel = channel
        self.payload = payload
    }
}
