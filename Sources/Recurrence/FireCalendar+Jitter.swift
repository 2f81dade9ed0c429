package import struct Foundation.UUID
package import Core

extension FireCalendar {
    /// When the task of the fire at `nominal` is due: `nominal` plus an offset in
    /// `[0, jitterSeconds)` that depends only on the schedule and the fire (the same fire always
    /// gets the same one), kept before the next fire. Milliseconds.
    package func jitteredStart(of nominal: Timestamp, scheduleID: UUID, jitterSeconds: Int) -> Timestamp {
        guard jitterSeconds > 0 else { return nominal }
        var range = Int64(jitterSeconds) * 1000
        if let next = next(after: nominal) {
            range = min(range, (next.microsecondsSinceEpoch - nominal.microsecondsSinceEpoch) / 1000)
        }
        guard range > 0 else { return nominal }
        let offset = Int64(bitPattern: Self.mix(scheduleID, nominal) % UInt64(range))
        return Timestamp(microsecondsSinceEpoch: nominal.microsecondsSinceEpoch + offset * 1000)
    }

    /// A hash of the schedule id and the fire time that is the same in every process and
    /// release (FNV-1a over the id's text and the time's bytes, then SplitMix64's finaliser).
    private static func mix(_ id: UUID, _ nominal: Timestamp) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        let time = UInt64(bitPattern: nominal.microsecondsSinceEpoch)
        let timeBytes = (0..<8).map { UInt8(truncatingIfNeeded: time >> ($0 * 8)) }
        for byte in Array(id.text.utf8) + timeBytes {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}
