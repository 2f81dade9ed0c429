import Foundation
import Hummingbird

/// Builds JSON responses; every body the API sends goes through here. Keys are sorted so that
/// the output is the same from run to run.
enum JSONResponse {
    static func make(
        _ body: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(body)
        var fields: HTTPFields = [
            .contentType: "application/json; charset=utf-8",
            .contentLength: String(data.count),
        ]
        fields.append(contentsOf: headers)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
