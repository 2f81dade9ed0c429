/// The body of every error answer: `{"error": {"code": "...", "message": "..."}}`, with `"index"`
/// when the error is about one element of a batch.
package struct ErrorResponse: Codable, Sendable {
    package struct Detail: Codable, Sendable {
        package var code: String
        package var message: String
        package var index: Int?

        package init(code: String, message: String, index: Int?) {
            self.code = code
            self.message = message
            self.index = index
        }
    }

    package var error: Detail

    package init(error: Detail) {
        self.error = error
    }
}
