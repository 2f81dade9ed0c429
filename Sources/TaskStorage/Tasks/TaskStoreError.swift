/// An error of the task store beyond the database's own: a request that clashes with what is
/// stored, or an answer that does not fit the task model.
public struct TaskStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A statement that must return a row returned none.
        public static let missingRow = Code(rawValue: "missing_row")
        /// A column held NULL or a value the model cannot represent.
        public static let invalidColumn = Code(rawValue: "invalid_column")
        /// The idempotency key belongs to a task that differs from the one requested.
        public static let idempotencyConflict = Code(rawValue: "idempotency_conflict")
    }

    public var code: Code
    public var message: String
    /// The position, in a batch request, of the task the error is about.
    public var index: Int?

    public init(code: Code, message: String, index: Int? = nil) {
        self.code = code
        self.message = message
        self.index = index
    }

    public var description: String { "\(code): \(message)" }
}
