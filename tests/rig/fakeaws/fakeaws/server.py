"""HTTP servers: the AWS endpoint, the control API, IMDS and ECS, each a
ThreadingHTTPServer on 127.0.0.1 with its own port; and the App tying the
scenario, the world and the servers together."""

import logging
import socket
import struct
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .control import Control
from .credentials import CredentialStore
from .faults import FaultSet
from .gateway import Gateway
from .imds import Ecs, Imds
from .reqlog import RequestLog
from .scenario import ScenarioError
from .services import all_services
from .wire import Request, Response
from .world import World

logger = logging.getLogger('fakeaws')
MAX_BODY = 64 * 1024 * 1024


class BadHttp(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    """Reads a whole request, asks the server's endpoint for a Response and
    sends it (with any transport fault)."""

    protocol_version = 'HTTP/1.1'

    def version_string(self):
        return self.server.version

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_GET

    def date_time_string(self, timestamp=None):
        # The Date header is the server's clock, including any injected offset.
        return formatdate(self.server.app.clock.server_epoch(), usegmt=True)

    def log_message(self, fmt, *args):
        logger.info('%s %s', self.address_string(), fmt % args)

    def _dispatch(self):
        try:
            body = self._read_body()
        except BadHttp as exc:
            self._send(Response(400, f'Bad request: {exc}\n', 'text/plain'), head=False)
            self.close_connection = True
            return
        request = Request(self.command, self.path, self.headers.items(), body,
                          self.client_address[0])
        try:
            response = self.server.endpoint.handle(request)
        except Exception:       # never let a request take the server down
            logger.exception('unhandled error answering %s %s', self.command, self.path)
            response = Response(500, 'Internal error\n', 'text/plain')
        if response.header('x-amzn-RequestId') is None:
            response.headers.append(('x-amzn-RequestId', request.request_id))
        try:
            self._send(response, head=self.command == 'HEAD')
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True

    def _read_body(self):
        if 'chunked' in (self.headers.get('Transfer-Encoding') or '').lower():
            return self._read_chunked()
        length = self.headers.get('Content-Length')
        if length is None:
            return b''
        try:
            size = int(length)
        except ValueError:
            raise BadHttp('Content-Length is not a number') from None
        if not 0 <= size <= MAX_BODY:
            raise BadHttp('Content-Length out of range')
        return self.rfile.read(size)

    def _read_chunked(self):
        chunks = []
        total = 0
        while True:
            line = self.rfile.readline(1024).strip()
            try:
                size = int(line.split(b';')[0], 16)
            except ValueError:
                raise BadHttp('bad chunk size') from None
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass
                return b''.join(chunks)
            total += size
            if total > MAX_BODY:
                raise BadHttp('body too large')
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _send(self, response, head):
        if response.delay:
            time.sleep(response.delay)
        if response.transport == 'reset':
            self._reset()
            return
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(response.body)))
        self.end_headers()
        if head:
            return
        if response.transport == 'truncate':
            self.wfile.write(response.body[:len(response.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(response.body)

    def _reset(self):
        """Drop the connection with a TCP RST, answering nothing."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        self.connection.close()
        self.close_connection = True


class Server(ThreadingHTTPServer):
    """One listening port; `endpoint.handle(Request) -> Response` answers it."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, app, endpoint, version='fakeaws'):
        super().__init__(address, Handler)
        self.app = app
        self.endpoint = endpoint
        self.version = version

    def handle_error(self, request, client_address):
        logger.exception('connection error from %s', client_address)


class App:
    """Everything one fakeaws process runs."""

    def __init__(self, doc, clock):
        self.clock = clock
        credentials = CredentialStore(doc, clock)
        self.world = World(doc, clock, credentials)
        for spec in all_services():
            if spec.load is not None:
                spec.load(self.world, doc)
        self.faults = FaultSet()
        for index, fault in enumerate(doc['faults']):
            try:
                self.faults.add(fault)
            except ValueError as exc:
                raise ScenarioError(f'faults[{index}]: {exc}') from exc
        self.log = RequestLog()
        self.gateway = Gateway(self.world, self.faults, self.log)
        self.imds = Imds(self.world, doc, self.log)
        self.ecs = Ecs(self.world, doc, self.log)
        self.control = Control(self)
        self.servers = {}
        self._threads = []

    def start(self, host='127.0.0.1', ports=None):
        ports = ports or {}
        endpoints = {'aws': (self.gateway, 'fakeaws'), 'control': (self.control, 'fakeaws'),
                     'imds': (self.imds, 'EC2ws'), 'ecs': (self.ecs, 'fakeaws')}
        for name, (endpoint, version) in endpoints.items():
            self.servers[name] = Server((host, ports.get(name, 0)), self, endpoint, version)
        for name, server in self.servers.items():
            thread = threading.Thread(target=server.serve_forever, name=f'fakeaws-{name}',
                                      kwargs={'poll_interval': 0.2}, daemon=True)
            thread.start()
            self._threads.append(thread)

    def url(self, name):
        host, port = self.servers[name].server_address[:2]
        return f'http://{host}:{port}'

    def endpoints(self):
        default = self.world.credentials.default
        return {
            'aws': self.url('aws'), 'control': self.url('control'), 'imds': self.url('imds'),
            'ecs': self.url('ecs'), 'ecs_uri': self.url('ecs') + self.ecs.path,
            'ecs_token': self.ecs.token, 'region': self.world.default_region,
            'access_key_id': default.access_key_id,
            'secret_access_key': default.secret_access_key,
            'session_token': default.session_token,
        }

    def stop(self):
        for server in self.servers.values():
            server.shutdown()
            server.server_close()
