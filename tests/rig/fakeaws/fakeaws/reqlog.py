"""Request log and per-(service, operation) call counters.

The log holds what a test needs to assert on retries, batching and
pagination: service, operation, decoded parameters, access key id, status
and error code. It never holds Authorization headers, security tokens,
bearer tokens or secret values: parameters whose names say they carry one
are replaced by '<redacted>' before they are stored.
"""

import base64
import datetime
import itertools
import threading
import time

MAX_ENTRIES = 20000
REDACTED = '<redacted>'
_PAGINATION = {'nexttoken', 'marker'}
_SECRET_WORDS = ('password', 'secret', 'token', 'credential')
_SECRET_ID_NAMES = {'secretid', 'secretarn'}


def _is_secret_name(name):
    lowered = name.lower()
    if lowered in _PAGINATION or lowered in _SECRET_ID_NAMES:
        return False
    return any(word in lowered for word in _SECRET_WORDS)


def redact(value):
    """A JSON-ready copy of decoded parameters with secret-bearing members hidden."""
    if isinstance(value, dict):
        return {k: (REDACTED if _is_secret_name(k) else redact(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return 'base64:' + base64.b64encode(value).decode()
    return value


class RequestLog:
    def __init__(self):
        self._lock = threading.Lock()
        self._entries = []
        self._counts = {}
        self._serial = itertools.count(1)

    def start(self, service, operation, method, path, client=None):
        """Record a request (and count it); returns its entry for later fields."""
        entry = {'seq': next(self._serial), 'time': time.time(), 'service': service,
                 'operation': operation, 'method': method, 'path': path.split('?', 1)[0],
                 'client': client}
        with self._lock:
            self._entries.append(entry)
            del self._entries[:-MAX_ENTRIES]
            per_service = self._counts.setdefault(service, {})
            per_service[operation] = per_service.get(operation, 0) + 1
        return entry

    def update(self, entry, **fields):
        if 'params' in fields:
            fields['params'] = redact(fields['params'])
        with self._lock:
            entry.update(fields)

    def counters(self):
        with self._lock:
            return {service: dict(ops) for service, ops in self._counts.items()}

    def entries(self, service=None, operation=None, since=0):
        with self._lock:
            return [dict(e) for e in self._entries
                    if e['seq'] > since and service in (None, e['service'])
                    and operation in (None, e['operation'])]

    def reset(self):
        with self._lock:
            self._entries = []
            self._counts = {}
