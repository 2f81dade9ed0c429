/// Header names and values of the gRPC-over-HTTP/2 protocol.
enum GRPCHeaders {
    static let contentType = "application/grpc"
    /// Headers the protocol consumes; they are not handed to handlers as metadata.
    static let reserved: Set<String> = [
        "content-type", "te", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "content-length",
    ]

    /// Whether a `content-type` names gRPC (`application/grpc`, `application/grpc+proto`, …).
    static func isGRPCContentType(_ value: String) -> Bool {
        guard value.hasPrefix(contentType) else { return false }
        let rest = value.dropFirst(contentType.count)
        return rest.isEmpty || rest.hasPrefix("+") || rest.hasPrefix(";")
    }

    /// The `:status 200` + content-type headers that open every response.
    static let responseHeaders = [HTTP2HeaderField(":status", "200"), HTTP2HeaderField("content-type", contentType)]

    /// Trailers (or the headers of a trailers-only response) carrying `status`. A message longer
    /// than `maxMessageCharacters` is cut there: a header block the peer would refuse (its header
    /// list limit) would leave the call without an answer.
    static func statusFields(_ status: GRPCStatus) -> [HTTP2HeaderField] {
        var fields = [HTTP2HeaderField("grpc-status", String(status.code.rawValue))]
        if !status.message.isEmpty {
            let message = status.message.count > maxMessageCharacters ? status.message.prefix(maxMessageCharacters) + "…" : status.message
            fields.append(HTTP2HeaderField("grpc-message", GRPCStatusMessageEncoding.encode(message)))
        }
        return fields
    }

    static let maxMessageCharacters = 1024

    /// The status of a response from its trailers (or trailers-only headers), as gRPC clients
    /// read it: `grpc-status` when present, otherwise derived from the HTTP status.
    static func status(fromTrailers fields: [HTTP2HeaderField], httpStatus: Int?) -> GRPCStatus {
        var code: GRPCStatus.Code?
        var message = ""
        for field in fields {
            switch field.name {
            case "grpc-status": code = Int(field.value).map(GRPCStatus.Code.init(rawValue:)) ?? .unknown
            case "grpc-message": message = GRPCStatusMessageEncoding.decode(field.value)
            default: break
            }
        }
        if let code {
            return GRPCStatus(code: code, message: message)
        }
        if let httpStatus, httpStatus != 200 {
            return status(forHTTPStatus: httpStatus)
        }
        return GRPCStatus(code: .internalError, message: "server sent no grpc-status")
    }

    /// The mapping of non-200 HTTP statuses from the gRPC-over-HTTP/2 specification.
    static func status(forHTTPStatus httpStatus: Int) -> GRPCStatus {
        let code: GRPCStatus.Code =
            switch httpStatus {
            case 400: .internalError
            case 401: .unauthenticated
            case 403: .permissionDenied
            case 404: .unimplemented
            case 429, 502, 503, 504: .unavailable
            default: .unknown
            }
        return GRPCStatus(code: code, message: "unexpected HTTP status \(httpStatus)")
    }
}
