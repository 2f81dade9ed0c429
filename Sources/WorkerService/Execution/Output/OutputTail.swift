/// The last `limit` bytes of a stream, kept in a ring that never grows past `limit`.
package struct OutputTail: Sendable {
    package let limit: Int
    private var ring: [UInt8] = []
    /// Where the oldest byte is once the ring is full.
    private var oldest = 0
    /// Bytes that fell out of the tail.
    package private(set) var droppedByteCount = 0

    package init(limit: Int) {
        precondition(limit > 0, "an output tail keeps at least one byte")
        self.limit = limit
        ring.reserveCapacity(limit)
    }

    package mutating func append<Bytes: Collection<UInt8>>(contentsOf bytes: Bytes) {
        let kept = bytes.suffix(limit)
        droppedByteCount += bytes.count - kept.count
        let room = limit - ring.count
        ring.append(contentsOf: kept.prefix(room))
        var rest = kept.dropFirst(room)
        droppedByteCount += rest.count
        while !rest.isEmpty {
            let run = min(rest.count, limit - oldest)
            ring.replaceSubrange(oldest..<(oldest + run), with: rest.prefix(run))
            oldest = (oldest + run) % limit
            rest = rest.dropFirst(run)
        }
    }

    /// The kept bytes, oldest first.
    package var bytes: [UInt8] {
        Array(ring[oldest...] + ring[..<oldest])
    }

    /// The kept bytes as UTF-8, invalid sequences replaced; a character cut in two by the
    /// start of the tail is left out.
    package var text: String {
        var bytes = bytes[...]
        if droppedByteCount > 0 {
            // UTF-8 continuation bytes look like 0b10xxxxxx; a character has at most three.
            let cut = bytes.prefix(3).prefix { $0 & 0b1100_0000 == 0b1000_0000 }.count
            bytes = bytes.dropFirst(cut)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
