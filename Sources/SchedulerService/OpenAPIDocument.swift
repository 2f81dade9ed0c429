import Core
import NIOCore

/// The API's OpenAPI 3.1 document: `OpenAPI/scheduler.openapi.json`, compiled into the module so
/// that the file in the repository is the only copy.
enum OpenAPIDocument {
    static var response: BufferedResponse {
        .json(bytes: ByteBuffer(bytes: PackageResources.scheduler_openapi_json))
    }
}
