"""EC2 instance metadata service (IMDSv2, optionally IMDSv1) and the ECS
container credentials endpoint, each served on its own port."""

import json
import secrets
import threading
import time
import uuid

from .clock import epoch_to_datetime, iso8601
from .credentials import RotatingCredentials
from .scenario import ScenarioError
from .wire import Response

IMDS_KEYS = {'role', 'v1', 'credential_ttl', 'region', 'availability_zone', 'instance_id'}
ECS_KEYS = {'role', 'token', 'credential_ttl', 'path'}
TOKEN_TTL_HEADER = 'X-aws-ec2-metadata-token-ttl-seconds'
TOKEN_HEADER = 'X-aws-ec2-metadata-token'
CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/'
TEXT = 'text/plain'


def _section(doc, name, keys):
    spec = doc.get(name, {})
    unknown = set(spec) - keys
    if unknown:
        raise ScenarioError(f'{name}: unknown key(s) {sorted(unknown)}')
    return spec


def _rotating(world, spec, name, session_name, default_ttl):
    """Credentials the endpoint hands out for its scenario role (None without one)."""
    arn = spec.get('role')
    if arn is None:
        return None
    role = world.credentials.role(arn)
    if role is None:
        raise ScenarioError(f'{name}.role: {arn!r} is not in "roles"')
    return RotatingCredentials(world.credentials, role, session_name,
                               spec.get('credential_ttl', default_ttl), name)


def _credentials_json(credential, extra=None):
    body = {'AccessKeyId': credential.access_key_id,
            'SecretAccessKey': credential.secret_access_key,
            'Token': credential.session_token,
            'Expiration': iso8601(epoch_to_datetime(credential.expires), millis=False)}
    body.update(extra or {})
    return json.dumps(body, indent=2).encode()


class Imds:
    def __init__(self, world, doc, log):
        spec = _section(doc, 'imds', IMDS_KEYS)
        self.world = world
        self.log = log
        self.allow_v1 = spec.get('v1', False)
        self.region = spec.get('region', world.default_region)
        self.zone = spec.get('availability_zone', self.region + 'a')
        self.instance_id = spec.get('instance_id', 'i-0fa4e7c5d2b8a9163')
        self.credentials = _rotating(world, spec, 'imds', self.instance_id, 21600)
        self._tokens = {}
        self._lock = threading.Lock()

    def configure(self, settings):
        """Control API: {"v1": bool, "credential_ttl": seconds}."""
        if 'v1' in settings:
            self.allow_v1 = bool(settings['v1'])
        if 'credential_ttl' in settings and self.credentials:
            self.credentials.set_lifetime(settings['credential_ttl'])

    def handle(self, request):
        entry = self.log.start('imds', request.method + ' ' + request.path.split('?')[0],
                               request.method, request.path, request.client)
        response = self._answer(request)
        self.log.update(entry, status=response.status)
        return response

    def _answer(self, request):
        if request.method == 'PUT' and request.path == '/latest/api/token':
            return self._new_token(request)
        if request.method not in ('GET', 'HEAD'):
            return Response(405, 'Method Not Allowed', TEXT)
        if not self._authorized(request):
            return Response(401, 'Unauthorized', TEXT)
        return self._metadata(request.path)

    def _new_token(self, request):
        if request.header('X-Forwarded-For') is not None:
            return Response(403, 'Forbidden', TEXT)
        try:
            ttl = int(request.header(TOKEN_TTL_HEADER, ''))
        except ValueError:
            return Response(400, 'Bad Request', TEXT)
        if not 1 <= ttl <= 21600:
            return Response(400, 'Bad Request', TEXT)
        token = 'AQAEA' + secrets.token_urlsafe(40)
        with self._lock:
            self._tokens[token] = time.time() + ttl
        return Response(200, token, TEXT, [(TOKEN_TTL_HEADER, str(ttl))])

    def _authorized(self, request):
        token = request.header(TOKEN_HEADER)
        if token is None:
            return self.allow_v1
        with self._lock:
            expires = self._tokens.get(token)
        return expires is not None and time.time() < expires

    def _metadata(self, path):
        role = self.credentials.role if self.credentials else None
        simple = {
            '/latest/meta-data/placement/region': self.region,
            '/latest/meta-data/placement/availability-zone': self.zone,
            '/latest/meta-data/instance-id': self.instance_id,
            '/latest/meta-data/': 'ami-id\ninstance-id\niam/\nplacement/',
            '/latest/dynamic/instance-identity/document': json.dumps({
                'accountId': role.account if role else self.world.default_account,
                'availabilityZone': self.zone, 'instanceId': self.instance_id,
                'region': self.region}, indent=2),
        }
        value = simple.get(path) or simple.get(path.rstrip('/'))
        if value is not None:
            return Response(200, value, TEXT)
        if role is None or not path.startswith(CREDENTIALS_PATH):
            return Response(404, 'Not Found', TEXT)
        name = path[len(CREDENTIALS_PATH):]
        if name == '':
            return Response(200, role.name, TEXT)
        if name.rstrip('/') != role.name:
            return Response(404, 'Not Found', TEXT)
        credential = self.credentials.current()
        extra = {'Code': 'Success', 'LastUpdated': iso8601(epoch_to_datetime(time.time()), False),
                 'Type': 'AWS-HMAC'}
        return Response(200, _credentials_json(credential, extra), TEXT)


class Ecs:
    def __init__(self, world, doc, log):
        spec = _section(doc, 'ecs', ECS_KEYS)
        self.log = log
        self.token = spec.get('token') or secrets.token_urlsafe(24)
        self.path = spec.get('path', f'/v2/credentials/{uuid.uuid4()}')
        self.credentials = _rotating(world, spec, 'ecs', 'ecs-task', 3600)

    def configure(self, settings):
        """Control API: {"credential_ttl": seconds, "token": text}."""
        if 'token' in settings:
            self.token = settings['token']
        if 'credential_ttl' in settings and self.credentials:
            self.credentials.set_lifetime(settings['credential_ttl'])

    def handle(self, request):
        entry = self.log.start('ecs', 'GetCredentials', request.method, request.path,
                               request.client)
        response = self._answer(request)
        self.log.update(entry, status=response.status)
        return response

    def _answer(self, request):
        if request.method != 'GET' or request.path != self.path or self.credentials is None:
            return _json_error(404, 'NotFound', 'Not found')
        if request.header('Authorization') != self.token:
            return _json_error(401, 'AccessDenied', 'Invalid or missing authorization token')
        credential = self.credentials.current()
        return Response(200, _credentials_json(credential, {'RoleArn': self.credentials.role.arn}),
                        'application/json')


def _json_error(status, code, message):
    return Response(status, json.dumps({'code': code, 'message': message}), 'application/json')
