"""AWS STS GetCallerIdentity and AssumeRole (query protocol)."""

import re

from ..clock import epoch_to_datetime
from ..errors import AwsError, validation_error
from . import ServiceSpec

SESSION_NAME = re.compile(r'^[\w+=,.@-]{2,64}$')
MIN_DURATION = 900


def get_caller_identity(ctx, params):
    credential = ctx.credential
    return {'UserId': credential.user_id, 'Account': credential.account, 'Arn': credential.arn}


def _denied(ctx, role_arn):
    return AwsError('AccessDenied', f'User: {ctx.credential.arn} is not authorized to perform: '
                                    f'sts:AssumeRole on resource: {role_arn}', 403)


def assume_role(ctx, params):
    role_arn = params['RoleArn']
    session_name = params['RoleSessionName']
    if not SESSION_NAME.match(session_name):
        raise validation_error(ctx.service, f"1 validation error detected: Value '{session_name}' "
                                            "at 'roleSessionName' failed to satisfy constraint: "
                                            'Member must satisfy regular expression pattern: '
                                            r'[\w+=,.@-]*')
    role = ctx.world.credentials.role(role_arn)
    if role is None or not role.trusts(ctx.credential):
        raise _denied(ctx, role_arn)
    if role.external_id is not None and params.get('ExternalId') != role.external_id:
        raise _denied(ctx, role_arn)
    duration = params.get('DurationSeconds', 3600)
    if duration < MIN_DURATION:
        raise validation_error(ctx.service, f"1 validation error detected: Value '{duration}' at "
                                            "'durationSeconds' failed to satisfy constraint: "
                                            f'Member must have value greater than or equal to '
                                            f'{MIN_DURATION}')
    if duration > role.max_session_duration:
        raise validation_error(ctx.service, 'The requested DurationSeconds exceeds the '
                                            'MaxSessionDuration set for this role.')
    issued = ctx.world.credentials.issue_for_role(role, session_name, duration, 'assume-role')
    return {
        'Credentials': {'AccessKeyId': issued.access_key_id,
                        'SecretAccessKey': issued.secret_access_key,
                        'SessionToken': issued.session_token,
                        'Expiration': epoch_to_datetime(issued.expires)},
        'AssumedRoleUser': {'AssumedRoleId': issued.user_id, 'Arn': issued.arn},
    }


OPERATIONS = {'GetCallerIdentity': get_caller_identity, 'AssumeRole': assume_role}

SERVICE = ServiceSpec('sts', 'sts', 'sts', 'query', OPERATIONS)
