import Core

/// Percent-encoding of the `grpc-message` trailer: bytes outside printable ASCII and `%`
/// itself are sent as `%XX` of their UTF-8 encoding, and so are leading and trailing spaces,
/// which HTTP/2 does not allow at the edges of a header value.
enum GRPCStatusMessageEncoding {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func encode(_ message: String) -> String {
        let utf8 = message.utf8
        let space = UInt8(ascii: " ")
        guard utf8.contains(where: needsEscaping) || utf8.first == space || utf8.last == space else { return message }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count * 3)
        for (offset, byte) in utf8.enumerated() {
            if needsEscaping(byte) || (byte == space && (offset == 0 || offset == utf8.count - 1)) {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0x0F)])
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Decodes `%XX` sequences; anything malformed is kept literally, invalid UTF-8 replaced.
    static func decode(_ value: String) -> String {
        guard value.utf8.contains(UInt8(ascii: "%")) else { return value }
        let input = Array(value.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            if input[index] == UInt8(ascii: "%"), index + 2 < input.count,
                let high = hexDigitValue(input[index + 1]), let low = hexDigitValue(input[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte > 0x7E || byte == UInt8(ascii: "%")
    }

}
