package import struct FoundationEssentials.UUID

extension UUID {
    /// Whether this id sorts before `other` in the order PostgreSQL gives uuids, which is also
    /// the order of their text: byte by byte. Compared as two integers, with no text made.
    package func precedes(_ other: UUID) -> Bool {
        let (mine, theirs) = (halves, other.halves)
        return mine.high != theirs.high ? mine.high < theirs.high : mine.low < theirs.low
    }

    /// The 16 bytes as two big-endian integers.
    private var halves: (high: UInt64, low: UInt64) {
        let u = uuid
        let high0 = UInt64(u.0) << 56 | UInt64(u.1) << 48 | UInt64(u.2) << 40 | UInt64(u.3) << 32
        let high1 = UInt64(u.4) << 24 | UInt64(u.5) << 16 | UInt64(u.6) << 8 | UInt64(u.7)
        let low0 = UInt64(u.8) << 56 | UInt64(u.9) << 48 | UInt64(u.10) << 40 | UInt64(u.11) << 32
        let low1 = UInt64(u.12) << 24 | UInt64(u.13) << 16 | UInt64(u.14) << 8 | UInt64(u.15)
        return (high0 | high1, low0 | low1)
    }
}
