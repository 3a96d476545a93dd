"""Access keys the endpoint accepts: static keys from the scenario and the
temporary credentials it issues (AssumeRole, IMDS, ECS, SSO)."""

import base64
import fnmatch
import hashlib
import secrets
import string
import threading

from .scenario import ScenarioError

_KEY_ALPHABET = string.ascii_uppercase + '234567'
_SECRET_ALPHABET = string.ascii_letters + string.digits + '+/'


class Credential:
    def __init__(self, access_key_id, secret_access_key, account, arn, user_id,
                 session_token=None, expires=None, deny=(), source='scenario'):
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.session_token = session_token
        self.expires = expires          # epoch seconds, None for permanent keys
        self.account = account
        self.arn = arn                  # the principal's ARN (GetCallerIdentity)
        self.user_id = user_id
        self.deny = list(deny)          # 'service:Operation' patterns refused
        self.source = source

    def expired(self, now_epoch):
        return self.expires is not None and now_epoch >= self.expires

    def denies(self, service, operation):
        action = f'{service}:{operation}'
        return any(fnmatch.fnmatchcase(action, pattern) for pattern in self.deny)


class Role:
    def __init__(self, spec):
        self.arn = spec['arn']
        parts = self.arn.split(':')
        if len(parts) != 6 or not parts[5].startswith('role/'):
            raise ScenarioError(f'roles: {self.arn!r} is not a role ARN')
        self.account = parts[4]
        self.name = parts[5].split('/')[-1]
        self.max_session_duration = spec.get('max_session_duration', 3600)
        self.external_id = spec.get('external_id')
        self.trusted = spec.get('trusted')      # principal ARNs or account ids; None = anyone
        self.deny = spec.get('deny', [])
        self.role_id = 'AROA' + stable_id(self.arn, 17)

    def trusts(self, credential):
        if self.trusted is None:
            return True
        return credential.arn in self.trusted or credential.account in self.trusted

    def session_arn(self, session_name):
        return f'arn:aws:sts::{self.account}:assumed-role/{self.name}/{session_name}'


def stable_id(text, length):
    """A deterministic upper-case id suffix derived from text."""
    digest = base64.b32encode(hashlib.sha256(text.encode()).digest()).decode()
    return digest[:length]


def new_access_key_id():
    return 'ASIA' + ''.join(secrets.choice(_KEY_ALPHABET) for _ in range(16))


def new_secret_access_key():
    return ''.join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))


def new_session_token():
    """An opaque token shaped like STS's, always holding '+', '/' and '='."""
    body = base64.b64encode(b'\x0f\xef\xbf' + secrets.token_bytes(301)).decode()
    return 'IQoJb3JpZ2luX2VjE' + body[:40] + '+' + body[40:80] + '/' + body[80:]


class CredentialStore:
    def __init__(self, doc, clock):
        self.clock = clock
        self._lock = threading.Lock()
        self._keys = {}
        self.roles = {role.arn: role for role in (Role(spec) for spec in doc['roles'])}
        self.default_account = doc['accounts'][0]['id']
        for index, spec in enumerate(doc['credentials']):
            self.add(self._from_spec(spec, f'credentials[{index}]'))
        chosen = [c for c in doc['credentials'] if c.get('default')] or doc['credentials']
        self.default = self._keys[chosen[0]['access_key_id']]

    def _from_spec(self, spec, where):
        for key in ('access_key_id', 'secret_access_key'):
            if not spec.get(key):
                raise ScenarioError(f'{where}: {key} is required')
        account = spec.get('account', self.default_account)
        expires = spec.get('expires_at')
        if spec.get('role'):
            role = self.roles.get(spec['role'])
            if role is None:
                raise ScenarioError(f"{where}: unknown role {spec['role']!r}")
            arn, user_id = role.session_arn('scenario'), f'{role.role_id}:scenario'
            account = role.account
        else:
            user = spec.get('user', 'rdswatch')
            arn = f'arn:aws:iam::{account}:user/{user}'
            user_id = 'AIDA' + stable_id(arn, 17)
        return Credential(spec['access_key_id'], spec['secret_access_key'], account, arn, user_id,
                          session_token=spec.get('session_token'),
                          expires=None if expires is None else self.clock.epoch_at(expires),
                          deny=spec.get('deny', []))

    def add(self, credential):
        with self._lock:
            self._keys[credential.access_key_id] = credential

    def get(self, access_key_id):
        with self._lock:
            return self._keys.get(access_key_id)

    def issue(self, account, arn, user_id, lifetime, deny=(), source='sts'):
        """New temporary credentials valid for `lifetime` real seconds."""
        credential = Credential(new_access_key_id(), new_secret_access_key(), account, arn, user_id,
                                session_token=new_session_token(),
                                expires=self.clock.now_epoch() + lifetime, deny=deny,
                                source=source)
        self.add(credential)
        return credential

    def issue_for_role(self, role, session_name, lifetime, source):
        return self.issue(role.account, role.session_arn(session_name),
                          f'{role.role_id}:{session_name}', lifetime, role.deny, source)

    def expire(self, access_key_id=None):
        """Expire one temporary credential, or all of them; returns how many."""
        now = self.clock.now_epoch()
        with self._lock:
            chosen = [c for c in self._keys.values()
                      if c.session_token and access_key_id in (None, c.access_key_id)]
            for credential in chosen:
                credential.expires = now - 1
        return len(chosen)

    def role(self, arn):
        return self.roles.get(arn)


class RotatingCredentials:
    """Credentials a metadata endpoint hands out for a role, renewed shortly
    before they expire (as IMDS and the ECS agent do)."""

    def __init__(self, store, role, session_name, lifetime, source):
        self.store = store
        self.role = role
        self.session_name = session_name
        self.lifetime = lifetime
        self.source = source
        self._current = None
        self._lock = threading.Lock()

    def current(self):
        with self._lock:
            now = self.store.clock.now_epoch()
            margin = min(300.0, self.lifetime / 2.0)
            if self._current is None or self._current.expires - now < margin:
                self._current = self.store.issue_for_role(self.role, self.session_name,
                                                          self.lifetime, self.source)
            return self._current

    def set_lifetime(self, seconds):
        """Issue credentials valid for `seconds` from now on (renewing at once)."""
        with self._lock:
            self.lifetime = float(seconds)
            self._current = None
