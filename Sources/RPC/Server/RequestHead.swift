/// The parts of a request's header block the server acts on.
struct RequestHead {
    var path: String
    var timeout: Duration?
    var metadata: GRPCMetadata

    /// Why a request is answered without reaching a handler.
    struct Rejection: Error {
        var httpStatus: Int
        var status: GRPCStatus
    }

    /// Validates a request header block the way grpc-go does.
    static func parse(_ fields: [HTTP2HeaderField]) -> Result<RequestHead, Rejection> {
        var method = ""
        var path = ""
        var contentType = ""
        var timeout: String?
        var encoding: String?
        var metadata = GRPCMetadata()
        for field in fields {
            switch field.name {
            case ":method": method = field.value
            case ":path": path = field.value
            case "content-type": contentType = field.value
            case "grpc-timeout": timeout = field.value
            case "grpc-encoding": encoding = field.value
            default:
                if !field.name.hasPrefix(":"), !GRPCHeaders.reserved.contains(field.name) {
                    metadata.append(name: field.name, value: field.value)
                }
            }
        }
        guard GRPCHeaders.isGRPCContentType(contentType) else {
            return .failure(
                Rejection(
                    httpStatus: 415,
                    status: GRPCStatus(code: .invalidArgument, message: "invalid gRPC request content-type \"\(contentType)\"")))
        }
        guard method == "POST" else {
            return .failure(
                Rejection(
                    httpStatus: 405,
                    status: GRPCStatus(code: .internalError, message: "method \"\(method)\" is not POST")))
        }
        var head = RequestHead(path: path, timeout: nil, metadata: metadata)
        if let timeout {
            guard let parsed = GRPCTimeout.parse(timeout) else {
                return .failure(
                    Rejection(
                        httpStatus: 400,
                        status: GRPCStatus(code: .internalError, message: "malformed grpc-timeout \"\(timeout)\"")))
            }
            head.timeout = parsed
        }
        if let encoding, encoding != "identity" {
            return .failure(
                Rejection(
                    httpStatus: 200,
                    status: GRPCStatus(code: .unimplemented, message: "grpc-encoding \"\(encoding)\" is not supported")))
        }
        return .success(head)
    }
}
