"""AWS Secrets Manager GetSecretValue (JSON 1.1), with versions over time."""

import base64
import hashlib
import string
import uuid

from ..errors import AwsError
from ..scenario import ScenarioError
from ..world import Resource
from . import ServiceSpec

NOT_FOUND = "Secrets Manager can't find the specified secret."
_SUFFIX_ALPHABET = string.ascii_letters + string.digits


def _arn_suffix(text):
    digest = hashlib.sha256(text.encode()).digest()
    return ''.join(_SUFFIX_ALPHABET[b % len(_SUFFIX_ALPHABET)] for b in digest[:6])


def load(world, doc):
    for index, spec in enumerate(doc['secrets']):
        where = f'secrets[{index}]'
        name = spec.get('name')
        if not name:
            raise ScenarioError(f'{where}: name is required')
        region, account = world.placement(spec, where)
        arn = spec.get('arn') or (f'arn:aws:secretsmanager:{region}:{account}:secret:{name}-'
                                  f'{_arn_suffix(f"{account}/{region}/{name}")}')
        secret = Resource('secret', f'{account}/{region}/{name}', region, account,
                          {'ARN': arn, 'Name': name}, spec.get('appear_at'), spec)
        secret.extra['created_at'] = spec.get('created_at', -30 * 86400)
        secret.extra['versions'] = [_version(v, f'{where}.versions[{n}]', name, n)
                                    for n, v in enumerate(spec.get('versions', []))]
        if not secret.extra['versions']:
            raise ScenarioError(f'{where}: at least one version is required')
        world.add(secret)


def _version(spec, where, name, serial):
    unknown = set(spec) - {'at', 'SecretString', 'SecretBinary', 'version_id'}
    if unknown or ('SecretString' in spec) == ('SecretBinary' in spec):
        raise ScenarioError(f'{where}: a version is {{"at", "version_id"?, and one of '
                            '"SecretString" or "SecretBinary" (base64)}}')
    version = {'at': spec.get('at', float('-inf')),
               'VersionId': spec.get('version_id') or str(uuid.uuid5(uuid.NAMESPACE_URL,
                                                                     f'{name}/{serial}'))}
    if 'SecretString' in spec:
        version['SecretString'] = spec['SecretString']
    else:
        version['SecretBinary'] = base64.b64decode(spec['SecretBinary'])
    return version


def rotate(world, secret, value, seconds):
    """Make `value` the secret's AWSCURRENT version from scenario second `seconds`."""
    version = {'at': seconds, 'VersionId': str(uuid.uuid4()), 'SecretString': value}
    with world.lock:
        secret.extra['versions'] = secret.extra['versions'] + [version]
    return version['VersionId']


def _find(ctx, secret_id):
    for secret in ctx.world.visible('secret', ctx):
        arn = secret.attributes(ctx.seconds)['ARN']
        if secret_id in (secret.spec['name'], arn, arn[:-7]):
            return secret
    raise AwsError('ResourceNotFoundException', NOT_FOUND, 400)


def _staged(ctx, secret):
    """Versions visible now with their stage labels, newest last."""
    with ctx.world.lock:
        versions = sorted((v for v in secret.extra['versions'] if v['at'] <= ctx.seconds),
                          key=lambda v: v['at'])
    stages = {}
    if versions:
        stages[versions[-1]['VersionId']] = ['AWSCURRENT']
    if len(versions) > 1:
        stages[versions[-2]['VersionId']] = ['AWSPREVIOUS']
    return versions, stages


def get_secret_value(ctx, params):
    secret = _find(ctx, params['SecretId'])
    versions, stages = _staged(ctx, secret)
    wanted_id = params.get('VersionId')
    wanted_stage = params.get('VersionStage', None if wanted_id else 'AWSCURRENT')
    chosen = None
    for version in versions:
        labels = stages.get(version['VersionId'], [])
        if wanted_id not in (None, version['VersionId']):
            continue
        if wanted_stage is not None and wanted_stage not in labels:
            continue
        chosen = version
    if chosen is None:
        detail = (f'version id: {wanted_id}' if wanted_id else f'staging label: {wanted_stage}')
        raise AwsError('ResourceNotFoundException',
                       f"Secrets Manager can't find the specified secret value for {detail}", 400)
    result = dict(secret.attributes(ctx.seconds))
    result.update({k: v for k, v in chosen.items() if k in ('VersionId', 'SecretString',
                                                             'SecretBinary')})
    result['VersionStages'] = stages.get(chosen['VersionId'], [])
    result['CreatedDate'] = ctx.at(max(chosen['at'], secret.extra['created_at']))
    return result


OPERATIONS = {'GetSecretValue': get_secret_value}

SERVICE = ServiceSpec('secretsmanager', 'secretsmanager', 'secretsmanager', 'json', OPERATIONS,
                      load)
