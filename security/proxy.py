"""Client addresses behind the TLS-terminating proxy, believed only from that proxy.

Werkzeug's ProxyFix believes ``X-Forwarded-For`` from anyone who sends it: a client
could then choose the address the sign-in rate limit counts and the audit trail
records. Here the headers count only on a request whose peer address is one of the
configured proxies; any other request keeps its real peer address.
"""

from ipaddress import ip_address, ip_network

from werkzeug.middleware.proxy_fix import ProxyFix


class TrustedProxyFix:
    def __init__(self, wsgi_app, proxies):
        self.app = wsgi_app
        self.networks = [ip_network(p, strict=False) for p in proxies]
        self.fixed = ProxyFix(wsgi_app, x_for=1, x_proto=1)

    def trusted(self, addr: str | None) -> bool:
        try:
            peer = ip_address(addr or "")
        except ValueError:
            return False
        return any(peer in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self.trusted(environ.get("REMOTE_ADDR")):
            return self.fixed(environ, start_response)
        for header in ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                       "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX"):
            environ.pop(header, None)
        return self.app(environ, start_response)
