import Foundation
import Hummingbird
import HTTPTypes
import Synchronization
import Backprop

/// Who may talk to `backprop serve`: the checks every request and every WebSocket upgrade pass.
///
/// - **Host** must be on an allow-list: loopback names (`localhost`, `127.0.0.1`, `::1`), the
///   bound address, and `--allow-host` names. A DNS-rebinding page reaches the server under
///   its own domain name (Host `evil.example:8080`), so checking Host against a list — not
///   against itself — is what refuses it. On a non-loopback bind, IP literals are allowed too:
///   rebinding needs a domain name, and the token guards the rest.
/// - **Origin** (sent by browsers on the upgrade) must be `http(s)://` an allowed host with this
///   server's port, so neither another site nor another server on this machine can drive a
///   session. An upgrade without Origin comes from a non-browser client, which could send any
///   header anyway; the token is what stops it on a shared network.
/// - **Token** (required when bound beyond loopback, as Jupyter does): `?token=` in the URL,
///   which also sets an `HttpOnly; SameSite=Strict` cookie so the page's scripts, images and
///   socket carry it; or `Authorization: token …`. Compared in constant time.
public final class Access: Sendable {
    /// Allowed host names, lower case, without port or brackets.
    public let hosts: Set<String>
    /// The port browsers' Origins must name: the one given, or (for port 0) the one bound.
    public var port: Int { given != 0 ? given : bound.load(ordering: .relaxed) }
    let given: Int
    /// Set by the server once it listens (port 0 picks a free one).
    let bound = Atomic<Int>(0)
    public let token: String?
    /// IP literals allowed as Host (non-loopback binds).
    public let allowsIPLiterals: Bool

    public static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "::1"]
    static let cookieName = "backprop_token"

    /// The access rules for a server bound to `bind`: loopback names, the address itself, `extra`.
    public init(bind: String, port: Int, allowHosts extra: [String] = [], token: String? = nil) {
        let address = Access.hostName(bind)
        var hosts = Access.loopbackNames.union(extra.map(Access.hostName))
        if !Access.isWildcard(address) { hosts.insert(address) }
        self.hosts = hosts
        given = port
        self.token = token
        allowsIPLiterals = !Access.isLoopback(bind)
    }

    /// True for addresses only this machine can reach.
    public static func isLoopback(_ address: String) -> Bool {
        let a = hostName(address)
        return a == "localhost" || a == "::1" || a.hasPrefix("127.")
    }

    static func isWildcard(_ address: String) -> Bool { ["0.0.0.0", "::", ""].contains(address) }

    /// `host`, `host:port`, `[v6]` or `[v6]:port` → the host, lower case, without brackets.
    static func hostName(_ authority: String) -> String {
        let a = authority.lowercased().trimmingCharacters(in: .whitespaces)
        if a.hasPrefix("[") {
            return String(a.dropFirst().prefix { $0 != "]" })
        }
        // A bare IPv6 address has several colons; host:port has one.
        if a.filter({ $0 == ":" }).count > 1 { return a }
        return String(a.prefix { $0 != ":" })
    }

    static func isIPLiteral(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// A Host header's host, lower case and without brackets, when the header is exactly
    /// `host`, `host:port`, `[v6]` or `[v6]:port` with a port of digits up to 65535 — and nil for
    /// anything else (`localhost:8080@evil.example`, `[::1]evil:8080`, `localhost:abc`, spaces):
    /// no browser sends those, and a lenient reading of them is how allow-lists are slipped.
    static func strictHost(_ authority: String) -> String? {
        let a = authority.lowercased()
        var host: Substring, rest: Substring
        if a.hasPrefix("[") {
            guard let close = a.firstIndex(of: "]") else { return nil }
            host = a[a.index(after: a.startIndex)..<close]
            rest = a[a.index(after: close)...]
            guard isIPLiteral(String(host)), host.contains(":") else { return nil }
        } else {
            let colon = a.firstIndex(of: ":") ?? a.endIndex
            host = a[..<colon]
            rest = a[colon...]
            let nameCharacters = host.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
            guard !host.isEmpty, nameCharacters else { return nil }
        }
        if !rest.isEmpty {
            let port = rest.dropFirst()
            guard rest.first == ":", !port.isEmpty, port.count <= 5, port.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let n = Int(port), n <= 65535 else { return nil }
        }
        return String(host)
    }

    /// Why the request's Host is not a Host at all (answered 400), or nil: more than one (HTTP/1.1
    /// allows one, RFC 9112 §3.2; the first becomes the authority, so a second left among the
    /// fields would be a Host no check saw), or one that is not `host[:port]`.
    static func malformed(_ request: HTTPRequest) -> String? {
        if let host = HTTPField.Name("Host"), request.headerFields[host] != nil { return "a request carries one Host header" }
        if let authority = request.authority, strictHost(authority) == nil {
            return "Host \(quoted(authority)) is not a host name and port"
        }
        return nil
    }

    /// Whether requests naming `authority` (the Host header) are served.
    public func hostAllowed(_ authority: String?) -> Bool {
        guard let authority, let host = Access.strictHost(authority) else { return false }
        return hosts.contains(host) || (allowsIPLiterals && Access.isIPLiteral(host))
    }

    /// Whether a WebSocket upgrade with this Origin header is accepted (nil: not a browser).
    public func originAllowed(_ origin: String?) -> Bool {
        guard let origin else { return true }
        guard let url = URL(string: origin.lowercased()), let host = url.host, let scheme = url.scheme else { return false }
        let name = Access.hostName(host)
        guard hosts.contains(name) || (allowsIPLiterals && Access.isIPLiteral(name)) else { return false }
        switch scheme {
        case "http", "https": return (url.port ?? (scheme == "https" ? 443 : 80)) == port
        default: return true   // ws:// from non-browser clients, which send no port
        }
    }

    /// Whether the request carries the token (always true without one).
    public func tokenGiven(_ request: HTTPRequest) -> Bool {
        guard let token else { return true }
        if let q = request.path.flatMap({ URLComponents(string: $0) })?.queryItems?.first(where: { $0.name == "token" })?.value,
           Access.same(q, token) { return true }
        if let auth = request.headerFields[.authorization], auth.hasPrefix("token "), Access.same(String(auth.dropFirst(6)), token) { return true }
        for cookie in request.headerFields[values: .cookie] {
            for part in cookie.split(separator: ";") {
                let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if kv.count == 2, kv[0] == Access.cookieName, Access.same(String(kv[1]), token) { return true }
            }
        }
        return false
    }

    /// Why `request` is refused, or nil when it may be served. `upgrade` adds the Origin check.
    public func refusal(_ request: HTTPRequest, upgrade: Bool) -> String? {
        if let why = Access.malformed(request) { return why }
        guard hostAllowed(request.authority) else {
            return "Host \(String((request.authority ?? "").prefix(80))) is not served here (DNS rebinding?); open the URL backprop serve printed, or start it with --allow-host NAME"
        }
        if upgrade, !originAllowed(request.headerFields[.origin]) {
            return "WebSocket upgrade refused: the page must be served by this server (Origin check)"
        }
        guard tokenGiven(request) else { return "a token is required: open the URL with ?token=… that backprop serve printed" }
        return nil
    }

    /// The cookie that carries a valid `?token=` over to the page's other requests.
    func cookie(for request: HTTPRequest) -> String? {
        guard let token, request.path?.contains("token=") == true else { return nil }
        return "\(Access.cookieName)=\(token); HttpOnly; SameSite=Strict; Path=/"
    }

    /// Compares in time independent of where the strings differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var diff = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) { diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0) }
        return diff == 0
    }

    /// A random token for a server bound beyond loopback (128 bits, hex).
    public static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }
}

/// Refuses every plain HTTP request that `Access` refuses (403, one line saying why).
struct AccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: Access
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let why = access.refusal(request.head, upgrade: false) {
            return Response(status: Access.malformed(request.head) == nil ? .forbidden : .badRequest, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: why + "\n")))
        }
        var response = try await next(request, context)
        if let cookie = access.cookie(for: request.head) { response.headers[.setCookie] = cookie }
        return response
    }
}
