/// Why a string is not an RFC 3339 date-time.
package struct TimestampParseError: Error, Sendable, Hashable, CustomStringConvertible {
    package struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        package var rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// The text does not follow the RFC 3339 grammar.
        package static let malformed = Code(rawValue: "malformed")
        /// A field is out of its range (month 13, 30 February, hour 24, year 0, ...).
        package static let outOfRange = Code(rawValue: "out_of_range")
        /// The date-time has no UTC offset, so the instant it names is ambiguous.
        package static let missingOffset = Code(rawValue: "missing_offset")
    }

    package var code: Code
    /// What is wrong, in words meant for the person who wrote the date.
    package var reason: String

    package init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    package var description: String { reason }
}
