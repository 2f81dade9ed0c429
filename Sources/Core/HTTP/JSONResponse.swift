import FoundationEssentials
package import Hummingbird

/// Builds JSON responses; every body the API sends goes through here. Keys are sorted so that
/// the output is the same from run to run.
package enum JSONResponse {
    package static func make(
        _ body: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) throws -> Response {
        try make(bytes: encode(body), status: status, headers: headers)
    }

    /// A response whose body is JSON already.
    package static func make(bytes: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = self.headers(for: bytes)
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: bytes))
    }

    /// The content type and length of a JSON `body`.
    static func headers(for body: ByteBuffer) -> HTTPFields {
        [.contentType: "application/json; charset=utf-8", .contentLength: String(body.readableBytes)]
    }

    /// `body` as JSON bytes.
    static func encode(_ body: some Encodable) throws -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ByteBuffer(bytes: try encoder.encode(body))
    }
}
