package import struct FoundationEssentials.UUID

extension UUID {
    /// The id as the API, the database and the wire write it: 36 lowercase characters with
    /// dashes, `6f1c2b3a-…`. Written directly: Foundation's `uuidString` formats with `sprintf`,
    /// `lowercased()` copies it again, and the coordinator writes a few ids per task.
    package var text: String {
        let u = uuid
        let bytes = [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15]
        var utf8: [UInt8] = []
        utf8.reserveCapacity(36)
        for (position, byte) in bytes.enumerated() {
            if Self.dashesBefore.contains(position) { utf8.append(UInt8(ascii: "-")) }
            utf8.append(lowercaseHexDigits[Int(byte >> 4)])
            utf8.append(lowercaseHexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Parses the 36-character text of a UUID, digits in either case; nil for anything else.
    /// Read directly: Foundation's `UUID(uuidString:)` parses with `sscanf`.
    package init?(text: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        var high: UInt8?
        for (position, character) in text.utf8.enumerated() {
            guard position < 36 else { return nil }
            if position == 8 || position == 13 || position == 18 || position == 23 {
                guard character == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let value = hexDigitValue(character) else { return nil }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        guard bytes.count == 16 else { return nil }
        self.init(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// Byte positions a dash comes before.
    private static let dashesBefore: Set<Int> = [4, 6, 8, 10]
}
