"""SigV4 verification, as AWS judges a request.

The expected signature is computed by botocore's own SigV4Auth (an
implementation fakeaws did not write) from the request exactly as received:
method, raw path, query parameters, the headers the client says it signed,
and the SHA-256 of the body actually received. The client's X-Amz-Date is
the signing time; the server's clock (plus any injected offset) judges skew.
"""

import calendar
import email.utils
import hmac
import time
from urllib.parse import unquote

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

ALGORITHM = 'AWS4-HMAC-SHA256'
SIGV4_TIMESTAMP = '%Y%m%dT%H%M%SZ'
MAX_SKEW = 15 * 60
PRESIGN_PARAMS = ('X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires',
                  'X-Amz-SignedHeaders', 'X-Amz-Signature')


class AuthProblem(Exception):
    """Why a request is refused: an error kind of errors.ERROR_TABLES, and an
    optional message replacing the service's usual one."""

    def __init__(self, kind, message=None):
        super().__init__(kind if message is None else f'{kind}: {message}')
        self.kind = kind
        self.message = message


class Signature:
    """The parts of a SigV4 signature, from an Authorization header or a presigned URL."""

    def __init__(self, access_key, date, region, service, terminator, signed_headers, signature,
                 presigned=False, expires=None):
        self.access_key = access_key
        self.date = date
        self.region = region
        self.service = service
        self.terminator = terminator
        self.signed_headers = signed_headers
        self.signature = signature
        self.presigned = presigned
        self.expires = expires
        self.timestamp = None


def _query_pairs(query_string):
    """Query parameters decoded as AWS decodes them for signing ('+' stays '+')."""
    pairs = []
    for part in query_string.split('&') if query_string else []:
        name, _, value = part.partition('=')
        pairs.append((unquote(name), unquote(value)))
    return pairs


def _credential_scope(text):
    parts = text.split('/')
    if len(parts) != 5:
        raise AuthProblem('incomplete_signature',
                          f"Credential should have 5 parts: access key, date, region, service and "
                          f"terminator, not {len(parts)}.")
    return parts


def parse(request):
    """The request's Signature, or None when it carries no authentication."""
    header = request.header('Authorization')
    if header is not None:
        return _parse_header(header)
    query = dict(_query_pairs(request.query_string))
    if 'X-Amz-Credential' in query or 'X-Amz-Signature' in query:
        return _parse_presigned(query)
    return None


def _parse_header(header):
    algorithm, _, rest = header.strip().partition(' ')
    if algorithm != ALGORITHM:
        raise AuthProblem('incomplete_signature', f"Unsupported AWS 'algorithm': '{algorithm}'")
    fields = {}
    for part in rest.split(','):
        name, _, value = part.strip().partition('=')
        fields[name] = value
    missing = [n for n in ('Credential', 'Signature', 'SignedHeaders') if not fields.get(n)]
    if missing:
        raise AuthProblem('incomplete_signature', ' '.join(
            f"Authorization header requires '{name}' parameter." for name in missing))
    access_key, date, region, service, terminator = _credential_scope(fields['Credential'])
    return Signature(access_key, date, region, service, terminator,
                     fields['SignedHeaders'].split(';'), fields['Signature'])


def _parse_presigned(query):
    missing = [n for n in PRESIGN_PARAMS if n not in query]
    if missing:
        raise AuthProblem('incomplete_signature', ' '.join(
            f"AWS query-string parameters must include '{name}'." for name in missing))
    if query['X-Amz-Algorithm'] != ALGORITHM:
        raise AuthProblem('incomplete_signature',
                          f"Unsupported AWS 'algorithm': '{query['X-Amz-Algorithm']}'")
    access_key, date, region, service, terminator = _credential_scope(query['X-Amz-Credential'])
    try:
        expires = int(query['X-Amz-Expires'])
    except ValueError:
        raise AuthProblem('incomplete_signature', 'X-Amz-Expires must be an integer.') from None
    signature = Signature(access_key, date, region, service, terminator,
                          query['X-Amz-SignedHeaders'].split(';'), query['X-Amz-Signature'],
                          presigned=True, expires=expires)
    signature.timestamp = query['X-Amz-Date']
    return signature


def request_timestamp(request, signature):
    """The signing time as SigV4 text, from X-Amz-Date or the Date header."""
    if signature.timestamp:
        text = signature.timestamp
    elif request.header('X-Amz-Date'):
        text = request.header('X-Amz-Date')
    elif request.header('Date'):
        parsed = email.utils.parsedate_tz(request.header('Date'))
        if parsed is None:
            raise AuthProblem('incomplete_signature', 'The Date header is not an HTTP date.')
        text = time.strftime(SIGV4_TIMESTAMP, time.gmtime(email.utils.mktime_tz(parsed)))
    else:
        raise AuthProblem('incomplete_signature', "Authorization header requires existence of "
                                                  "either a 'X-Amz-Date' or a 'Date' header.")
    try:
        time.strptime(text, SIGV4_TIMESTAMP)
    except ValueError:
        raise AuthProblem('incomplete_signature', f"Date must be in ISO-8601 'basic format'. "
                                                  f"Got '{text}'.") from None
    return text


def _epoch(timestamp):
    return calendar.timegm(time.strptime(timestamp, SIGV4_TIMESTAMP))


def _stamp(epoch):
    return time.strftime(SIGV4_TIMESTAMP, time.gmtime(epoch))


def check_scope(signature, timestamp, regions):
    if signature.terminator != 'aws4_request':
        raise AuthProblem('incomplete_signature', f"Credential should be scoped with a valid "
                                                  f"terminator: 'aws4_request', not "
                                                  f"'{signature.terminator}'.")
    if signature.date != timestamp[:8]:
        raise AuthProblem('bad_signature', f"Date in Credential scope does not match YYYYMMDD "
                                           f"from ISO-8601 version of date from HTTP: "
                                           f"'{signature.date}' != '{timestamp[:8]}', from "
                                           f"'{timestamp}'.")
    if signature.region not in regions:
        raise AuthProblem('bad_signature', f"Credential should be scoped to a valid region, not "
                                           f"'{signature.region}'.")
    if 'host' not in [h.lower() for h in signature.signed_headers]:
        raise AuthProblem('incomplete_signature', "'Host' or ':authority' must be a "
                                                  "'SignedHeader' in the AWS Authorization.")


def check_time(signature, timestamp, server_epoch):
    """Refuse a request signed more than 15 minutes away from the server's clock
    (or, presigned, past its X-Amz-Expires)."""
    signed = _epoch(timestamp)
    now = int(server_epoch)
    if signature.presigned:
        if now > signed + signature.expires:
            raise AuthProblem('skew', f'Signature expired: {timestamp} is now earlier than '
                                      f'{_stamp(now - signature.expires)} ({_stamp(now)} - '
                                      f'{signature.expires} sec.)')
        return
    if signed < now - MAX_SKEW:
        raise AuthProblem('skew', f'Signature expired: {timestamp} is now earlier than '
                                  f'{_stamp(now - MAX_SKEW)} ({_stamp(now)} - 15 min.)')
    if signed > now + MAX_SKEW:
        raise AuthProblem('skew', f'Signature not yet current: {timestamp} is still later than '
                                  f'{_stamp(now + MAX_SKEW)} ({_stamp(now)} + 15 min.)')


class _ReceivedRequestSigner(SigV4Auth):
    """botocore's SigV4Auth, told which headers the client signed and hashing
    the body as received (never trusting X-Amz-Content-SHA256)."""

    def __init__(self, credentials, service, region, signed_headers):
        super().__init__(credentials, service, region)
        self._signed_headers = signed_headers

    def headers_to_sign(self, request):
        return self._signed_headers


def expected_signature(request, signature, timestamp, secret_key):
    """What the signature must be, computed by botocore from the received request."""
    signed = HTTPHeaders()
    wanted = {h.lower() for h in signature.signed_headers}
    for name, value in request.headers:
        if name.lower() in wanted:
            signed[name.lower()] = value
    pairs = _query_pairs(request.query_string)
    if signature.presigned:
        pairs = [(k, v) for k, v in pairs if k != 'X-Amz-Signature']
    host = request.header('Host') or 'localhost'
    aws_request = AWSRequest(method=request.method, url=f'http://{host}{request.path}',
                             data=request.body or b'', params=pairs)
    aws_request.context['timestamp'] = timestamp
    signer = _ReceivedRequestSigner(Credentials(signature.access_key, secret_key),
                                    signature.service, signature.region, signed)
    canonical = signer.canonical_request(aws_request)
    return signer.signature(signer.string_to_sign(aws_request, canonical), aws_request)


def verify(request, signature, store, regions, server_epoch):
    """The Credential that signed the request; AuthProblem if AWS would refuse it."""
    timestamp = request_timestamp(request, signature)
    check_scope(signature, timestamp, regions)
    check_time(signature, timestamp, server_epoch)
    credential = store.get(signature.access_key)
    if credential is None:
        raise AuthProblem('invalid_key')
    token = request.header('X-Amz-Security-Token')
    if token is None and signature.presigned:
        token = dict(_query_pairs(request.query_string)).get('X-Amz-Security-Token')
    if token != credential.session_token:
        raise AuthProblem('invalid_key')
    if credential.expired(time.time()):
        raise AuthProblem('expired_token')
    expected = expected_signature(request, signature, timestamp, credential.secret_access_key)
    if not hmac.compare_digest(expected, signature.signature.lower()):
        raise AuthProblem('bad_signature')
    return credential
