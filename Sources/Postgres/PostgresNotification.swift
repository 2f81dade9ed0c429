/// A message sent with `NOTIFY channel, 'payload'` (or `pg_notify`) to a listening connection.
package struct PostgresNotification: Sendable, Equatable {
    package var channel: String
    package var payload: String

    package init(channel: String, payload: String) {
        self.channel = channel
        self.payload = payload
    }
}
