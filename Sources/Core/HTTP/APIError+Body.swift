extension APIError {
    /// The JSON response: `{"error": {"code": "...", "message": "..."}}` (plus `"index"` when
    /// set) with this error's status and headers.
    package func response() throws -> BufferedResponse {
        try .json(
            ErrorBody(error: .init(code: code.rawValue, message: message, index: index)), status: status,
            headers: headers)
    }

    private struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
            var index: Int?
        }

        var error: Detail
    }
}
