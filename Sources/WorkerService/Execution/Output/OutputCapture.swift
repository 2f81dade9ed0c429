/// What a command printed, kept within `limit` bytes however much it prints: everything when it
/// fits, otherwise its head (the first half of the limit) and its tail with a marker between.
/// It holds at most `limit` bytes, so a worker's memory stays flat whatever a command prints, and
/// allocates the tail's ring only once the head is full.
package struct OutputCapture: Sendable {
    /// The smallest limit: room for a head, a marker and a tail.
    package static let minimumLimit = 1024

    package let limit: Int
    private var head: [UInt8] = []
    private var tail: OutputTail?
    /// Every byte appended, kept or not.
    package private(set) var byteCount = 0

    package init(limit: Int) {
        precondition(limit >= Self.minimumLimit, "an output capture keeps at least \(Self.minimumLimit) bytes")
        self.limit = limit
    }

    private var headLimit: Int { limit / 2 }

    package mutating func append<Bytes: Collection<UInt8>>(contentsOf bytes: Bytes) {
        byteCount += bytes.count
        let room = max(headLimit - head.count, 0)
        let toHead = bytes.prefix(room)
        if head.count + toHead.count > head.capacity {
            // Doubling as an array does, but never past the head's limit.
            head.reserveCapacity(min(headLimit, max(2 * head.count, head.count + toHead.count)))
        }
        head.append(contentsOf: toHead)
        guard bytes.count > room else { return }
        if tail == nil { tail = OutputTail(limit: limit - headLimit) }
        tail?.append(contentsOf: bytes.dropFirst(room))
    }

    /// Up to `maxBytes` of the printed bytes from `offset` on that the head holds, ending with a
    /// complete character, as text: what a running task shows live. Only the head is shown live,
    /// so what was shown is always the start of the final `output` (nil: nothing new yet).
    package func liveOutput(from offset: Int, maxBytes: Int) -> (byteCount: Int, text: String)? {
        guard offset < head.count else { return nil }
        let available = head[offset..<min(head.count, offset + maxBytes)]
        let count = OutputText.completePrefixLength(available)
        guard count > 0 else { return nil }
        return (count, OutputText.decode(available.prefix(count)))
    }

    /// The kept output as text of at most `limit` UTF-8 bytes.
    package var output: CapturedOutput {
        if byteCount <= limit {
            let whole = OutputText.decode(head + (tail?.bytes ?? []))
            if whole.utf8.count <= limit { return CapturedOutput(text: whole, byteCount: byteCount, isTruncated: false) }
        }
        let headText = OutputText.prefix(of: OutputText.decode(head[..<OutputText.completePrefixLength(head)]), bytes: headLimit)
        let markerRoom = Self.marker(omitting: byteCount).utf8.count
        let tailText = OutputText.suffix(of: OutputText.withoutNUL(tail?.text ?? ""), bytes: limit - headText.utf8.count - markerRoom)
        let omitted = max(byteCount - headText.utf8.count - tailText.utf8.count, 0)
        return CapturedOutput(
            text: headText + Self.marker(omitting: omitted) + tailText, byteCount: byteCount, isTruncated: true)
    }

    /// Stands between the head and the tail of a truncated output.
    static func marker(omitting byteCount: Int) -> String {
        "\n[... \(byteCount) bytes omitted ...]\n"
    }
}

/// The output a task run keeps.
package struct CapturedOutput: Sendable, Hashable {
    /// At most the capture's limit of UTF-8 bytes.
    package var text: String
    /// How many bytes the command printed in all.
    package var byteCount: Int
    /// Whether `text` leaves part of them out.
    package var isTruncated: Bool

    package init(text: String, byteCount: Int, isTruncated: Bool) {
        self.text = text
        self.byteCount = byteCount
        self.isTruncated = isTruncated
    }
}
