/// The beginning of a task's or a schedule's id as people copy it (the dashboard shows eight
/// characters): 1 to 32 hexadecimal digits, with the id's dashes where it has them or none. The
/// query parameter `id_prefix` of `GET /tasks` and `GET /schedules` takes it, and the command line
/// takes one wherever it takes an id.
package struct IDPrefix: Sendable, Hashable, CustomStringConvertible {
    /// The digits, lowercased, without dashes.
    package let digits: String

    package init?(_ text: String) {
        var digits = ""
        var previousWasDash = false
        for character in text.lowercased() {
            if character == "-" {
                guard Self.dashPositions.contains(digits.count), !previousWasDash else { return nil }
                previousWasDash = true
            } else {
                guard character.isHexDigit, character.isASCII else { return nil }
                digits.append(character)
                previousWasDash = false
            }
        }
        guard (1...32).contains(digits.count), !previousWasDash else { return nil }
        self.digits = digits
    }

    package var description: String { digits }

    /// Whether it is a whole id.
    package var isWholeID: Bool { digits.count == 32 }

    /// The lowest and the highest id it covers, as UUID text: in PostgreSQL's order of uuid
    /// values (their bytes), every id that starts with it lies between the two.
    package var lowestID: String { Self.uuidText(digits.padding(to: 32, with: "0")) }
    package var highestID: String { Self.uuidText(digits.padding(to: 32, with: "f")) }

    /// How many digits come before each dash of a UUID's text.
    private static let dashPositions: Set<Int> = [8, 12, 16, 20]

    private static func uuidText(_ digits: String) -> String {
        var text = ""
        for (index, digit) in digits.enumerated() {
            if dashPositions.contains(index) { text.append("-") }
            text.append(digit)
        }
        return text
    }
}

extension String {
    fileprivate func padding(to length: Int, with pad: Character) -> String {
        self + String(repeating: pad, count: Swift.max(0, length - count))
    }
}
