package import Hummingbird

extension APIError: HTTPResponseError {
    package func response(from request: Request, context: some RequestContext) throws -> Response {
        try response()
    }

    /// The JSON response: `{"error": {"code": "...", "message": "..."}}` (plus `"index"` when
    /// set) with this error's status.
    func response() throws -> Response {
        try JSONResponse.make(errorBody, status: status, headers: headers)
    }

    /// The response's body alone, for a connection handler that answers on its own.
    func jsonBody() throws -> ByteBuffer {
        try JSONResponse.encode(errorBody)
    }

    private var errorBody: ErrorBody {
        ErrorBody(error: .init(code: code.rawValue, message: message, index: index))
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
