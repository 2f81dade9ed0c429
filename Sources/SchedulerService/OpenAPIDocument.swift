import Core
import Hummingbird

/// The API's OpenAPI 3.1 document: `OpenAPI/scheduler.openapi.json`, compiled into the module so
/// that the file in the repository is the only copy.
enum OpenAPIDocument {
    static func response() -> Response {
        JSONResponse.make(bytes: ByteBuffer(bytes: PackageResources.scheduler_openapi_json))
    }
}
