/// The value of an ASCII hexadecimal digit (`0`–`9`, `a`–`f`, `A`–`F`), or nil.
package func hexDigitValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}

/// The ASCII digits of lowercase hexadecimal, by value.
package let lowercaseHexDigits = Array("0123456789abcdef".utf8)

/// `bytes` as lowercase hexadecimal, two digits each.
package func lowercaseHex(_ bytes: some Sequence<UInt8>) -> String {
    var text: [UInt8] = []
    for byte in bytes {
        text.append(lowercaseHexDigits[Int(byte >> 4)])
        text.append(lowercaseHexDigits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
}
