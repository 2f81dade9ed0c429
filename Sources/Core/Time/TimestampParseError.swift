/// Why a string is not an RFC 3339 date-time.
public struct TimestampParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The text does not follow the RFC 3339 grammar.
        public static let malformed = Code(rawValue: "malformed")
        /// A field is out of its range (month 13, 30 February, hour 24, year 0, ...).
        public static let outOfRange = Code(rawValue: "out_of_range")
        /// The date-time has no UTC offset, so the instant it names is ambiguous.
        public static let missingOffset = Code(rawValue: "missing_offset")
    }

    public var code: Code
    /// What is wrong, in words meant for the person who wrote the date.
    public var reason: String

    public init(code: Code, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
}
