/// How printed bytes become the text a task's output is stored as: invalid UTF-8 and NUL bytes
/// (which PostgreSQL text cannot hold) are replaced with U+FFFD, and cuts fall between characters.
enum OutputText {
    /// `bytes` as text, invalid sequences and NUL bytes replaced.
    static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        withoutNUL(String(decoding: bytes, as: UTF8.self))
    }

    /// `text` with NUL characters replaced.
    static func withoutNUL(_ text: String) -> String {
        text.utf8.contains(0) ? text.replacing("\u{0}", with: "\u{FFFD}") : text
    }

    /// How many leading bytes of `bytes` end with a complete character: a character whose last
    /// bytes have not been printed yet is left for later.
    static func completePrefixLength(_ bytes: some BidirectionalCollection<UInt8>) -> Int {
        var length = bytes.count
        var index = bytes.endIndex
        for available in 1...3 {
            guard index > bytes.startIndex else { break }
            index = bytes.index(before: index)
            let byte = bytes[index]
            if byte & 0b1100_0000 == 0b1000_0000 { continue }
            if sequenceLength(lead: byte) > available { length -= available }
            break
        }
        return length
    }

    /// The longest start of `text` that fits in `limit` UTF-8 bytes without cutting a character.
    static func prefix(of text: String, bytes limit: Int) -> Substring {
        guard text.utf8.count > limit else { return text[...] }
        var end = text.utf8.index(text.utf8.startIndex, offsetBy: limit)
        while end > text.startIndex, text.utf8[end] & 0b1100_0000 == 0b1000_0000 { end = text.utf8.index(before: end) }
        return text[..<end]
    }

    /// The longest end of `text` that fits in `limit` UTF-8 bytes without cutting a character.
    static func suffix(of text: String, bytes limit: Int) -> Substring {
        guard text.utf8.count > limit else { return text[...] }
        var start = text.utf8.index(text.utf8.endIndex, offsetBy: -limit)
        while start < text.endIndex, text.utf8[start] & 0b1100_0000 == 0b1000_0000 { start = text.utf8.index(after: start) }
        return text[start...]
    }

    /// The bytes a character starting with `lead` has; 1 for a byte that starts none.
    private static func sequenceLength(lead: UInt8) -> Int {
        switch lead {
        case 0b1100_0000...0b1101_1111: 2
        case 0b1110_0000...0b1110_1111: 3
        case 0b1111_0000...0b1111_0111: 4
        default: 1
        }
    }
}
