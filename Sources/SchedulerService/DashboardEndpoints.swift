import Core
import Hummingbird
import HTTPTypes
import NIOCore

/// The web dashboard: the files of `Dashboard/`, compiled into the module. Every page address
/// answers with `index.html`, whose scripts draw the page the address names from the JSON API;
/// the other files are at `/ui/assets/<name>`. The files hold no data, so they need no token.
enum DashboardEndpoints {
    /// The addresses of the dashboard's pages.
    static let pagePaths = ["/", "/ui", "/ui/tasks", "/ui/tasks/:id", "/ui/schedules", "/ui/schedules/:id", "/ui/queues", "/ui/workers"]
    static let assetPath = "/ui/assets/:name"

    /// Whether a request path is one of the dashboard's (pages or files).
    static func serves(_ path: String) -> Bool {
        path == "/" || path == "/ui" || path.hasPrefix("/ui/")
    }

    private static let assets: [String: (bytes: [UInt8], contentType: String)] = [
        "dashboard.css": (PackageResources.dashboard_css, "text/css; charset=utf-8"),
        "api.js": (PackageResources.api_js, javaScript),
        "charts.js": (PackageResources.charts_js, javaScript),
        "dom.js": (PackageResources.dom_js, javaScript),
        "format.js": (PackageResources.format_js, javaScript),
        "main.js": (PackageResources.main_js, javaScript),
        "overview.js": (PackageResources.overview_js, javaScript),
        "queues.js": (PackageResources.queues_js, javaScript),
        "schedules.js": (PackageResources.schedules_js, javaScript),
        "tasks.js": (PackageResources.tasks_js, javaScript),
        "workers.js": (PackageResources.workers_js, javaScript),
    ]
    private static let javaScript = "text/javascript; charset=utf-8"

    /// Scripts and styles from the scheduler itself only: a value that slipped into the page as
    /// markup could still not run.
    private static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    static func page(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        file(PackageResources.index_html, contentType: "text/html; charset=utf-8")
    }

    static func asset(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard let asset = assets[name] else {
            throw APIError(.notFound, "the dashboard has no file \(name)")
        }
        return file(asset.bytes, contentType: asset.contentType)
    }

    private static func file(_ bytes: [UInt8], contentType: String) -> Response {
        Response(
            BufferedResponse(
                headers: [
                    .contentType: contentType, .cacheControl: "no-cache", .contentSecurityPolicy: contentSecurityPolicy,
                    .xContentTypeOptions: "nosniff", HTTPField.Name("Referrer-Policy")!: "no-referrer",
                ],
                body: ByteBuffer(bytes: bytes)))
    }
}
