"""Control API (JSON over HTTP on its own port): lets tests steer the
scenario while it runs and read what clients did. tests/rig/README.md lists
the endpoints."""

import json
import re
from urllib.parse import parse_qs

from . import pglog
from .models import shape as model_shape
from .scenario import ScenarioError
from .services import guardduty, logs, rds, secrets
from .wire import Response


class ControlError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _ok(**fields):
    return dict({'ok': True}, **fields)


class Control:
    def __init__(self, app):
        self.app = app
        self.routes = [
            ('GET', r'/health', lambda body, m: _ok()),
            ('GET', r'/time', lambda body, m: app.clock.describe()),
            ('GET', r'/endpoints', lambda body, m: app.endpoints()),
            ('GET', r'/scenario', lambda body, m: app.world.doc),
            ('GET', r'/counters', lambda body, m: {'counters': app.log.counters()}),
            ('GET', r'/requests', self.requests),
            ('POST', r'/reset', self.reset),
            ('GET', r'/faults', lambda body, m: {'faults': app.faults.describe()}),
            ('POST', r'/faults', self.add_faults),
            ('DELETE', r'/faults', lambda body, m: (app.faults.clear(), _ok())[1]),
            ('POST', r'/clock', self.set_clock),
            ('POST', r'/logs', self.add_logs),
            ('POST', r'/events', self.add_event),
            ('POST', r'/findings', self.add_finding),
            ('POST', r'/secrets/rotate', self.rotate_secret),
            ('POST', r'/(instances|clusters)/([^/]+)', self.set_attributes),
            ('POST', r'/metrics', self.add_spike),
            ('POST', r'/imds', lambda body, m: (app.imds.configure(body), _ok())[1]),
            ('POST', r'/ecs', lambda body, m: (app.ecs.configure(body), _ok())[1]),
            ('POST', r'/credentials/expire', self.expire_credentials),
        ]

    def handle(self, request):
        try:
            body = json.loads(request.body.decode('utf-8')) if request.body.strip() else {}
            if not isinstance(body, dict):
                raise ControlError(400, 'the body must be a JSON object')
            if request.method == 'GET':     # GET endpoints read the query string
                body = {k: v[-1] for k, v in parse_qs(request.query_string).items()}
            for method, pattern, action in self.routes:
                found = re.fullmatch(pattern, request.path.rstrip('/') or '/')
                if found and method == request.method:
                    return _json(200, action(body, found))
            raise ControlError(404, f'no control endpoint {request.method} {request.path}')
        except ControlError as exc:
            return _json(exc.status, {'error': str(exc)})
        except (ValueError, KeyError, TypeError, ScenarioError) as exc:
            return _json(400, {'error': f'{type(exc).__name__}: {exc}'})

    # ------------------------------------------------------------ helpers

    def _now(self):
        return self.app.clock.now_seconds()

    def _place(self, body):
        world = self.app.world
        return body.get('account', world.default_account), body.get('region', world.default_region)

    def _resource(self, kind, body, identifier):
        account, region = self._place(body)
        resource = self.app.world.get(kind, f'{account}/{region}/{identifier}')
        if resource is None:
            raise ControlError(404, f'no {kind} {identifier} in {account}/{region}')
        return resource

    # ------------------------------------------------------------ endpoints

    def requests(self, query, match):
        since = int(query.get('since', 0))
        return {'requests': self.app.log.entries(query.get('service'), query.get('operation'),
                                                 since)}

    def reset(self, body, match):
        self.app.log.reset()
        return _ok()

    def add_faults(self, body, match):
        specs = body['faults'] if 'faults' in body else [body]
        return _ok(ids=[self.app.faults.add(spec).id for spec in specs])

    def set_clock(self, body, match):
        self.app.clock.set_offset(float(body['offset']))
        return self.app.clock.describe()

    def add_logs(self, body, match):
        now = self._now()
        if 'instance' in body:
            instance = self._resource('db-instance', body, body['instance'])
            entries = [dict({'at': now}, **entry) for entry in body.get('entries', [])]
            lines = [line for entry in pglog.expand(entries, 'entries')
                     for line in pglog.render(entry, self.app.clock)]
            rds.add_log_lines(self.app.world, instance, lines)
            return _ok(added=len(lines))
        group = self._resource('log-group', body, body['group'])
        events = [(now, body.get('stream', 'default'), text) for text in body.get('messages', [])]
        logs.add_events(self.app.world, group, events)
        return _ok(added=len(events))

    def add_event(self, body, match):
        world = self.app.world
        spec = dict(body, at=self._now())
        rds.load_event(world, spec, 'event', f'control-{len(world.all("event"))}')
        return _ok()

    def add_finding(self, body, match):
        world = self.app.world
        account, region = self._place(body)
        detectors = [d for d in world.all('detector')
                     if (d.account, d.region) == (account, region)
                     and body.get('detector') in (None, d.extra['id'])]
        if not detectors:
            raise ControlError(404, f'no GuardDuty detector in {account}/{region}')
        spec = {'at': self._now(), 'attributes': body.get('attributes', {})}
        finding = guardduty.add_finding(world, detectors[0], spec, 'finding',
                                        f'control-{len(world.all("finding"))}')
        return _ok(id=finding['Id'])

    def rotate_secret(self, body, match):
        secret = self._resource('secret', body, body['secret'])
        return _ok(version_id=secrets.rotate(self.app.world, secret, body['value'], self._now()))

    def set_attributes(self, body, match):
        kind = {'instances': ('db-instance', 'DBInstance'),
                'clusters': ('db-cluster', 'DBCluster')}[match.group(1)]
        resource = self._resource(kind[0], body, match.group(2))
        shape = model_shape('rds', kind[1])
        self.app.world.change(resource, shape, self._now(), body.get('attributes', {}),
                              f'{match.group(1)}/{match.group(2)}')
        return _ok()

    def add_spike(self, body, match):
        account, region = self._place(body)
        dimension = body.get('dimension', 'DBInstanceIdentifier')
        key = (account, region, 'AWS/RDS', body['metric'], ((dimension, body['id']),))
        series = self.app.world.series.get(key)
        if series is None:
            raise ControlError(404, f"no metric {body['metric']} for {dimension}={body['id']}")
        spike = dict({'at': self._now()}, **body.get('spike', {}))
        series.spikes.append(spike)
        return _ok(spike=spike)

    def expire_credentials(self, body, match):
        return _ok(expired=self.app.world.credentials.expire(body.get('access_key_id')))


def _json(status, value):
    return Response(status, json.dumps(value, default=str, indent=1), 'application/json')
