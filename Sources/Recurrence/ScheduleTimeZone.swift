import Foundation
import Synchronization

/// An IANA time zone, as far as fire times need it: the offset of its wall clock from UTC at
/// any instant, and the instants where that offset changes. Instants are whole seconds since
/// 1970-01-01T00:00:00Z.
package struct ScheduleTimeZone: Sendable, Hashable {
    /// The name as given, e.g. `Europe/Berlin` or `UTC`.
    package let identifier: String
    private let zone: TimeZone

    package static let utc = try! ScheduleTimeZone(identifier: "UTC")

    package init(identifier: String) throws(RecurrenceError) {
        guard let zone = Self.known.withLock({ $0[identifier] }) ?? Self.load(identifier) else {
            throw RecurrenceError(
                field: "timezone", text: identifier, reason: "it is not an IANA time zone name such as Europe/Berlin or UTC")
        }
        self.identifier = identifier
        self.zone = zone
    }

    /// The zones read so far, by name: loading one from ICU's data costs far more than a fire.
    private static let known = Mutex<[String: TimeZone]>([:])

    private static func load(_ identifier: String) -> TimeZone? {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        known.withLock { $0[identifier] = zone }
        return zone
    }

    /// Seconds the wall clock is ahead of UTC at `instant`.
    package func offset(at instant: Int64) -> Int64 {
        Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))))
    }

    /// The first instant after `instant` where the offset changes, if the zone has one.
    func nextTransition(after instant: Int64) -> Int64? {
        zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(instant)))
            .map { Int64($0.timeIntervalSince1970.rounded()) }
    }

    /// The instant where the offset last changed at or before `instant`, looking back at most
    /// `window` seconds: the first instant of the offset in force at `instant`.
    func lastTransition(atOrBefore instant: Int64, within window: Int64) -> Int64? {
        let current = offset(at: instant)
        var before = instant - window
        guard offset(at: before) != current else { return nil }
        var after = instant
        while after - before > 1 {
            let middle = before + (after - before) / 2
            if offset(at: middle) == current { after = middle } else { before = middle }
        }
        return after
    }

    package static func == (lhs: ScheduleTimeZone, rhs: ScheduleTimeZone) -> Bool {
        lhs.identifier == rhs.identifier
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(identifier)
    }
}
