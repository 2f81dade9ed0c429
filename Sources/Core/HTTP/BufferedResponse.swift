import FoundationEssentials
package import HTTPTypes
package import NIOCore

/// An HTTP response whose body is whole in memory: what the admin server writes, what the
/// scheduler hands Hummingbird, and what every JSON body and error of the services is built as.
package struct BufferedResponse: Sendable {
    package var status: HTTPResponse.Status
    package var headers: HTTPFields
    package var body: ByteBuffer

    package init(status: HTTPResponse.Status = .ok, headers: HTTPFields, body: ByteBuffer) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `value` as a JSON body. Keys are sorted so that the output is the same from run to run.
    package static func json(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) throws -> BufferedResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return json(bytes: ByteBuffer(bytes: try encoder.encode(value)), status: status, headers: headers)
    }

    /// A response whose body is JSON already.
    package static func json(
        bytes: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) -> BufferedResponse {
        var fields: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        fields.append(contentsOf: headers)
        return BufferedResponse(status: status, headers: fields, body: bytes)
    }

    /// The head to send: these headers and the body's `Content-Length`.
    package var head: HTTPResponse {
        var fields = headers
        fields[.contentLength] = String(body.readableBytes)
        return HTTPResponse(status: status, headerFields: fields)
    }
}
