package import struct Foundation.UUID
package import Core

/// A coordinator as it last wrote its row: one entry of `GET /coordinators`.
package struct CoordinatorSnapshot: Sendable, Hashable {
    package var id: UUID
    /// `host:port` of its CoordinatorService.
    package var address: String
    /// Workers registered with it.
    package var workers: Int
    package var lastHeartbeat: Timestamp

    package init(id: UUID, address: String, workers: Int, lastHeartbeat: Timestamp) {
        self.id = id
        self.address = address
        self.workers = workers
        self.lastHeartbeat = lastHeartbeat
    }
}
