"""Small servers that run inside lab nodes (standard library only).

    python services.py http --port 80 [--bind ADDR] [--config JSON]
    python services.py tcp-echo --port 7
    python services.py udp-echo --port 7

Each prints "ready" on stdout once it listens, then logs to stderr.

The HTTP server answers from a table of routes so a lesson can show any status code with the
headers it wants; unknown paths get 404. Every server also answers ``/whoami`` with its name and
what it saw of the client (address, X-Forwarded-For, Host, cookies), which the load-balancer
lessons use to tell backends apart.
"""
from __future__ import annotations

import argparse
import json
import socket
import socketserver
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_ROUTES = {
    "/": {"status": 200, "body": "Hello from {name}\n",
          "headers": {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-cache"}},
}


def make_handler(config: dict):
    name = config.get("name", "server")
    routes = config.get("routes") or DEFAULT_ROUTES

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def version_string(self):
            return config.get("server_header", "netcourse-http")

        def log_message(self, fmt, *args):
            sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

        def _answer(self, with_body: bool):
            path = self.path.split("?", 1)[0]
            if path == "/whoami":
                info = {"server": name, "client": self.client_address[0],
                        "x_forwarded_for": self.headers.get("X-Forwarded-For"),
                        "host": self.headers.get("Host"), "cookie": self.headers.get("Cookie"),
                        "path": self.path}
                route = {"status": 200, "body": json.dumps(info) + "\n",
                         "headers": {"Content-Type": "application/json"}}
            else:
                route = routes.get(path) or routes.get("*") or {"status": 404, "body": "Not Found\n",
                                                                "headers": {"Content-Type": "text/plain"}}
            body = route.get("body", "").replace("{name}", name).encode()
            self.send_response(int(route.get("status", 200)))
            for key, value in route.get("headers", {}).items():
                self.send_header(key, str(value).replace("{name}", name))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def do_GET(self):
            self._answer(with_body=True)

        def do_HEAD(self):
            self._answer(with_body=False)

        do_POST = do_GET

    return Handler


class TcpEcho(socketserver.BaseRequestHandler):
    def handle(self):
        while data := self.request.recv(4096):
            self.request.sendall(data)


class UdpEcho(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        sock.sendto(data, self.client_address)


class ReusableTcp(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


class ReusableHttp(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["http", "tcp-echo", "udp-echo"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bind", default="0.0.0.0")
    parser.add_argument("--config", default="{}", help="JSON, or - to read it from stdin")
    args = parser.parse_args()
    if args.config == "-":
        args.config = sys.stdin.read() or "{}"
    address = (args.bind, args.port)
    if args.kind == "http":
        server = ReusableHttp(address, make_handler(json.loads(args.config)))
    elif args.kind == "tcp-echo":
        server = ReusableTcp(address, TcpEcho)
    else:
        server = socketserver.ThreadingUDPServer(address, UdpEcho)
    print("ready", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    socket.setdefaulttimeout(None)
    main()
