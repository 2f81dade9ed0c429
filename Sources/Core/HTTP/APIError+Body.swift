import APIModels

extension APIError {
    /// The JSON response: `{"error": {"code": "...", "message": "..."}}` (plus `"index"` when
    /// set) with this error's status and headers.
    package func response() throws -> BufferedResponse {
        try .json(
            ErrorResponse(error: .init(code: code.rawValue, message: message, index: index)), status: status,
            headers: headers)
    }
}
