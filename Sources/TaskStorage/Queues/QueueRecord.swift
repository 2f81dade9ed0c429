package import APIModels

/// One row of the `queues` table: a queue that has settings.
package struct QueueRecord: Sendable, Hashable {
    package var name: String
    package var settings: QueueSettings

    package init(name: String, settings: QueueSettings) {
        self.name = name
        self.settings = settings
    }
}
