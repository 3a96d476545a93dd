"""HTTP request and response values passed between the server and protocols."""

import re
import uuid
from urllib.parse import unquote

_BAD_ESCAPE = re.compile(r'%(?![0-9A-Fa-f]{2})')


class Request:
    """One HTTP request as received: nothing normalised, nothing dropped."""

    def __init__(self, method, target, headers, body, client=None):
        self.method = method
        self.target = target
        path, _, query = target.partition('?')
        self.path = path
        self.query_string = query
        self.headers = list(headers)
        self.body = body
        self.client = client
        self.request_id = str(uuid.uuid4())
        # Filled in while the request is handled:
        self.form = None            # decoded query-protocol parameters
        self.path_labels = {}       # REST path labels of the matched operation
        self.fault = None           # the fault rule applied to it, if any

    def header(self, name, default=None):
        """First value of a header, case-insensitively."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return default

    def query_pairs(self):
        """Decoded (name, value) pairs of the query string, in order."""
        return parse_form(self.query_string)

    def query_params(self):
        """Decoded query string as a dict (last value wins)."""
        return dict(self.query_pairs())


class Response:
    """What to send back. `transport` selects a fault in how it is sent."""

    def __init__(self, status, body=b'', content_type=None, headers=None):
        self.status = status
        self.body = body if isinstance(body, bytes) else body.encode('utf-8')
        self.headers = list(headers or [])
        if content_type:
            self.headers.append(('Content-Type', content_type))
        self.transport = None
        self.delay = 0.0

    def set_header(self, name, value):
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        self.headers.append((name, value))

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def parse_form(text):
    """Decode application/x-www-form-urlencoded text into (name, value) pairs.

    '+' means a space, as in HTML forms and in botocore's query bodies.
    Raises ValueError on undecodable percent escapes.
    """
    pairs = []
    if not text:
        return pairs
    for part in text.split('&'):
        if not part:
            continue
        name, _, value = part.partition('=')
        pairs.append((_decode(name), _decode(value)))
    return pairs


def _decode(text):
    if _BAD_ESCAPE.search(text):
        raise ValueError(f'bad percent escape in {text[:40]!r}')
    return unquote(text.replace('+', ' '), encoding='utf-8', errors='strict')
