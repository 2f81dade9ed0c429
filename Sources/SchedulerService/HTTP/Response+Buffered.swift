import Core
package import Hummingbird

extension Response {
    /// Hummingbird's response for one built in memory.
    init(_ response: BufferedResponse) {
        let head = response.head
        self.init(status: head.status, headers: head.headerFields, body: ResponseBody(byteBuffer: response.body))
    }
}

extension APIError: HTTPResponseError {
    /// How Hummingbird renders an error a handler throws: the API's JSON error.
    package func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(try response())
    }
}
