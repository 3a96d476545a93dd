"""AWS IAM Identity Center (SSO) portal GetRoleCredentials (REST-JSON, bearer token).

The portal takes no SigV4 signature: the access token a user got from
`aws sso login` arrives in the x-amz-sso_bearer_token header.
"""

from ..credentials import stable_id
from ..errors import AwsError
from ..scenario import ScenarioError
from . import ServiceSpec

TOKEN_KEYS = {'token', 'expires_at', 'user', 'roles', 'session_duration'}


def load(world, doc):
    world.sso_tokens = {}
    unknown = set(doc.get('sso', {})) - {'access_tokens'}
    if unknown:
        raise ScenarioError(f'sso: unknown key(s) {sorted(unknown)}')
    for index, spec in enumerate(doc.get('sso', {}).get('access_tokens', [])):
        where = f'sso.access_tokens[{index}]'
        if set(spec) - TOKEN_KEYS or not spec.get('token'):
            raise ScenarioError(f'{where}: keys are {sorted(TOKEN_KEYS)} ("token" required)')
        world.sso_tokens[spec['token']] = spec


def _unauthorized():
    return AwsError('UnauthorizedException', 'Session token not found or invalid', 401)


def get_role_credentials(ctx, params):
    spec = ctx.world.sso_tokens.get(params['accessToken'])
    if spec is None:
        raise _unauthorized()
    expires_at = spec.get('expires_at')
    if expires_at is not None and expires_at <= ctx.seconds:
        raise _unauthorized()
    account, name = params['accountId'], params['roleName']
    assignment = next((r for r in spec.get('roles', [])
                       if r.get('account_id') == account and r.get('role_name') == name), None)
    if assignment is None:
        raise AwsError('ForbiddenException', 'No access', 403)
    role_name = f'AWSReservedSSO_{name}_{stable_id(account + name, 16).lower()}'
    user = spec.get('user', 'user')
    issued = ctx.world.credentials.issue(
        account, f'arn:aws:sts::{account}:assumed-role/{role_name}/{user}',
        f"AROA{stable_id(role_name, 17)}:{user}", spec.get('session_duration', 3600),
        assignment.get('deny', []), 'sso')
    return {'roleCredentials': {
        'accessKeyId': issued.access_key_id,
        'secretAccessKey': issued.secret_access_key,
        'sessionToken': issued.session_token,
        'expiration': int(issued.expires * 1000),
    }}


OPERATIONS = {'GetRoleCredentials': get_role_credentials}

SERVICE = ServiceSpec('sso', 'awsssoportal', 'sso', 'rest-json', OPERATIONS, load)
