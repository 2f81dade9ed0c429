package import struct Foundation.UUID
package import Core

/// A position in a list ordered by `(created_at, id)`, the task list or the schedule list: a page
/// continues with the entries that come after the cursor in that order. Clients see it as an
/// opaque token of 48 hexadecimal digits: the creation time (microseconds, 16 digits) then the id
/// (32 digits).
package struct PageCursor: Sendable, Hashable {
    package var createdAt: Timestamp
    package var id: UUID

    package init(createdAt: Timestamp, id: UUID) {
        self.createdAt = createdAt
        self.id = id
    }

    /// The cursor that continues after `task`.
    package init(after task: TaskRecord) {
        self.init(createdAt: task.createdAt, id: task.id)
    }

    /// The cursor that continues after `schedule`.
    package init(after schedule: ScheduleRecord) {
        self.init(createdAt: schedule.createdAt, id: schedule.id)
    }

    /// Every token of 48 hex digits is a valid position, so no well-formed token is refused; a
    /// time outside years 1–9999 (which no task has) is clamped to that range.
    package init?(token: String) {
        let isHexDigit = { (byte: UInt8) in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte | 0x20)
        }
        guard token.utf8.count == 48, token.utf8.allSatisfy(isHexDigit),
            let time = UInt64(token.prefix(16), radix: 16)
        else { return nil }
        let hex = token.dropFirst(16)
        let uuidText = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4),
                        hex.dropFirst(16).prefix(4), hex.dropFirst(20)].joined(separator: "-")
        guard let id = UUID(text: uuidText) else { return nil }
        let createdAt = Timestamp(microsecondsSinceEpoch: Int64(bitPattern: time))
        self.init(createdAt: min(max(createdAt, Timestamp.rfc3339Range.lowerBound), Timestamp.rfc3339Range.upperBound), id: id)
    }

    /// The token a client passes back as `after`.
    package var token: String {
        let time = String(UInt64(bitPattern: createdAt.microsecondsSinceEpoch), radix: 16)
        let id = id.text.filter { $0 != "-" }
        return String(repeating: "0", count: 16 - time.count) + time + id
    }
}
