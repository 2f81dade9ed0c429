/// The database answered, but not with what the task model expects.
public struct TaskStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A statement that must return a row returned none.
        public static let missingRow = Code(rawValue: "missing_row")
        /// A column held NULL or a value the model cannot represent.
        public static let invalidColumn = Code(rawValue: "invalid_column")
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
