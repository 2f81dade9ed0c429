import Hummingbird

/// The API's OpenAPI 3.1 document: `OpenAPI/scheduler.openapi.json`, compiled into the module so
/// that the file in the repository is the only copy.
enum OpenAPIDocument {
    static func response() -> Response {
        let bytes = PackageResources.scheduler_openapi_json
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(bytes.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
