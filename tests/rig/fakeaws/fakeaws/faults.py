"""Fault injection per service and operation.

A rule matches requests by service key (rds, cloudwatch, logs, guardduty,
secretsmanager, sts, ec2, sso, or *) and operation (or *), from scenario
second `at` until `until`, for the first `count` matching requests (or for
ever). Error kinds answer with the service's real error; transport kinds
change how the answer travels.
"""

import itertools
import threading

from .errors import AwsError, service_error

ERROR_KINDS = {'throttle', 'internal', 'unavailable', 'expired_token', 'error'}
TRANSPORT_KINDS = {'delay', 'hang', 'reset', 'truncate', 'malformed', 'content_type'}
KINDS = ERROR_KINDS | TRANSPORT_KINDS
RULE_KEYS = {'service', 'operation', 'kind', 'count', 'at', 'until', 'seconds', 'code', 'status',
             'message'}
DEFAULT_SECONDS = {'delay': 5.0, 'hang': 600.0}

HTML_PAGE = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>502 Bad Gateway</title>'
             '</head><body><h1>502 Bad Gateway</h1><p>The proxy server received an invalid '
             'response from an upstream server.<br></body></html>\n')


class FaultRule:
    _ids = itertools.count(1)

    def __init__(self, spec):
        unknown = set(spec) - RULE_KEYS
        if unknown:
            raise ValueError(f'unknown fault key(s) {sorted(unknown)}')
        if spec.get('kind') not in KINDS:
            raise ValueError(f"fault kind must be one of {sorted(KINDS)}, not {spec.get('kind')!r}")
        if spec['kind'] == 'error' and not spec.get('code'):
            raise ValueError('an "error" fault needs a "code" (and usually a "status")')
        self.id = next(self._ids)
        self.service = spec.get('service', '*')
        self.operation = spec.get('operation', '*')
        self.kind = spec['kind']
        self.remaining = spec.get('count')
        self.at = spec.get('at', float('-inf'))
        self.until = spec.get('until', float('inf'))
        self.seconds = float(spec.get('seconds', DEFAULT_SECONDS.get(self.kind, 0.0)))
        self.code = spec.get('code')
        self.status = spec.get('status')
        self.message = spec.get('message')
        self.hits = 0

    def matches(self, service, operation, seconds):
        return (self.service in ('*', service) and self.operation in ('*', operation)
                and self.at <= seconds < self.until
                and (self.remaining is None or self.remaining > 0))

    def error(self, service):
        """The AwsError this rule answers with (error kinds only)."""
        if self.kind == 'error':
            return AwsError(self.code, self.message or self.code, self.status or 400)
        error = service_error(service, self.kind)
        if self.message:
            error.message = self.message
        if self.status:
            error.status = self.status
        return error

    def describe(self):
        return {'id': self.id, 'service': self.service, 'operation': self.operation,
                'kind': self.kind, 'remaining': self.remaining, 'hits': self.hits,
                'at': None if self.at == float('-inf') else self.at,
                'until': None if self.until == float('inf') else self.until,
                'seconds': self.seconds, 'code': self.code, 'status': self.status,
                'message': self.message}


class FaultSet:
    def __init__(self):
        self._rules = []
        self._lock = threading.Lock()

    def add(self, spec):
        rule = FaultRule(spec)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self):
        with self._lock:
            self._rules = []

    def describe(self):
        with self._lock:
            return [rule.describe() for rule in self._rules]

    def take(self, service, operation, seconds):
        """The first rule matching a request, counted as used; None if none."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(service, operation, seconds):
                    rule.hits += 1
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    return rule
        return None


def apply_transport(rule, response):
    """Change a prepared response as a transport fault says."""
    if rule.kind in ('delay', 'hang'):
        response.delay = rule.seconds
    elif rule.kind in ('reset', 'truncate'):
        response.transport = rule.kind
    elif rule.kind == 'malformed':
        response.body = response.body[:max(1, len(response.body) // 2)]
    elif rule.kind == 'content_type':
        response.status = rule.status or 200
        response.body = HTML_PAGE.encode()
        response.set_header('Content-Type', 'text/html; charset=utf-8')
    return response
