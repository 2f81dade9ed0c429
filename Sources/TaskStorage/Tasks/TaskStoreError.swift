/// An error of the task store beyond the database's own: a request that clashes with what is
/// stored, or an answer that does not fit the task model.
package struct TaskStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    package struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        package var rawValue: String
        package init(rawValue: String) { self.rawValue = rawValue }
        package var description: String { rawValue }

        /// A statement that must return a row returned none.
        package static let missingRow = Code(rawValue: "missing_row")
        /// A column held NULL or a value the model cannot represent.
        package static let invalidColumn = Code(rawValue: "invalid_column")
        /// The idempotency key belongs to a task that differs from the one requested.
        package static let idempotencyConflict = Code(rawValue: "idempotency_conflict")
        /// Another schedule has the name.
        package static let scheduleNameTaken = Code(rawValue: "schedule_name_taken")
    }

    package var code: Code
    package var message: String
    /// The position, in a batch request, of the task the error is about.
    package var index: Int?

    package init(code: Code, message: String, index: Int? = nil) {
        self.code = code
        self.message = message
        self.index = index
    }

    package var description: String { "\(code): \(message)" }
}
