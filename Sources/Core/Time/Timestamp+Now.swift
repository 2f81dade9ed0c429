import struct FoundationEssentials.Date

extension Timestamp {
    /// The current wall-clock time.
    package static func now() -> Timestamp {
        Timestamp(microsecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1_000_000).rounded(.down)))
    }
}
