"""Amazon GuardDuty detectors and findings (REST-JSON, camelCase on the wire)."""

import datetime
import hashlib

from ..errors import AwsError
from ..models import shape as model_shape
from ..scenario import ScenarioError, deep_merge
from ..world import Resource
from . import ServiceSpec
from .paging import token_page

MODEL = 'guardduty'
MAX_RESULTS = 50
NOT_OWNED = ('The request is rejected because the input detectorId is not owned by the '
             'current account.')


def _hex_id(text):
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def bad_request(message):
    return AwsError('BadRequestException', message, 400)


# ---------------------------------------------------------------- loading

def load(world, doc):
    for index, spec in enumerate(doc['guardduty']['detectors']):
        where = f'guardduty.detectors[{index}]'
        region, account = world.placement(spec, where)
        detector_id = spec.get('id') or _hex_id(f'{account}/{region}/detector')
        defaults = {
            'CreatedAt': -365 * 86400, 'UpdatedAt': -365 * 86400, 'Status': 'ENABLED',
            'FindingPublishingFrequency': 'SIX_HOURS',
            'ServiceRole': (f'arn:aws:iam::{account}:role/aws-service-role/guardduty.amazonaws.com/'
                            'AWSServiceRoleForAmazonGuardDuty'),
        }
        attributes = world.materialize(model_shape(MODEL, 'GetDetectorResponse'),
                                       deep_merge(defaults, spec.get('attributes', {})),
                                       f'{where}.attributes')
        detector = Resource('detector', f'{account}/{region}/{detector_id}', region, account,
                            attributes, spec.get('appear_at'), spec)
        detector.extra['id'] = detector_id
        world.add(detector)
        for number, finding in enumerate(spec.get('findings', [])):
            add_finding(world, detector, finding, f'{where}.findings[{number}]', number)


def add_finding(world, detector, spec, where, serial):
    """Add one finding ({"at", "attributes": Finding members}) to a detector."""
    at = spec.get('at', 0)
    detector_id = detector.extra['id']
    finding_id = spec.get('attributes', {}).get('Id') or _hex_id(f'{detector_id}/{serial}/{at}')
    defaults = {
        'Id': finding_id, 'AccountId': detector.account, 'Region': detector.region,
        'Partition': 'aws', 'SchemaVersion': '2.0', 'CreatedAt': at, 'UpdatedAt': at,
        'Arn': (f'arn:aws:guardduty:{detector.region}:{detector.account}:detector/{detector_id}'
                f'/finding/{finding_id}'),
        'Service': {'ServiceName': 'guardduty', 'DetectorId': detector_id, 'Archived': False,
                    'Count': 1, 'EventFirstSeen': at, 'EventLastSeen': at},
    }
    attributes = world.materialize(model_shape(MODEL, 'Finding'),
                                   deep_merge(defaults, spec.get('attributes', {})),
                                   f'{where}.attributes')
    if world.get('finding', f'{detector_id}/{finding_id}') is not None:
        raise ScenarioError(f'{where}: duplicate finding id {finding_id}')
    world.add(Resource('finding', f'{detector_id}/{finding_id}', detector.region, detector.account,
                       attributes, at, spec))
    return attributes


# ---------------------------------------------------------------- criteria

def _member_for(shape, wire):
    for name, member in shape.members.items():
        if member.serialization.get('name', name) == wire:
            return name, member
    return None, None


def field_values(finding, path):
    """Values of a finding at a wire-name path such as resource.resourceType."""
    shape = model_shape(MODEL, 'Finding')
    values = [finding]
    for part in path.split('.'):
        if shape.type_name != 'structure':
            raise bad_request(f'The request is rejected because {path} is not a valid field.')
        name, shape = _member_for(shape, part)
        if name is None:
            raise bad_request(f'The request is rejected because {path} is not a valid field.')
        found = []
        for value in values:
            item = value.get(name)
            if isinstance(item, list):
                found.extend(item)
            elif item is not None:
                found.append(item)
        if shape.type_name == 'list':
            shape = shape.member
        values = found
    return values


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        pass
    try:
        parsed = datetime.datetime.fromisoformat(str(value).replace('Z', '+00:00'))
    except ValueError:
        return None
    return parsed.timestamp() * 1000.0


def _text(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _equal(value, wanted):
    left, right = _number(value), _number(wanted)
    if left is not None and right is not None and not isinstance(value, str):
        return left == right
    return _text(value) == wanted


_COMPARE = {
    'Gt': lambda a, b: a > b, 'GreaterThan': lambda a, b: a > b,
    'Gte': lambda a, b: a >= b, 'GreaterThanOrEqual': lambda a, b: a >= b,
    'Lt': lambda a, b: a < b, 'LessThan': lambda a, b: a < b,
    'Lte': lambda a, b: a <= b, 'LessThanOrEqual': lambda a, b: a <= b,
}


def condition_holds(values, condition):
    for key in ('Eq', 'Equals'):
        if key in condition and not any(_equal(v, w) for v in values for w in condition[key]):
            return False
    for key in ('Neq', 'NotEquals'):
        if key in condition and any(_equal(v, w) for v in values for w in condition[key]):
            return False
    for key, compare in _COMPARE.items():
        if key in condition:
            numbers = [n for n in (_number(v) for v in values) if n is not None]
            if not any(compare(n, float(condition[key])) for n in numbers):
                return False
    return True


def _matches(finding, criteria):
    for path, condition in (criteria or {}).get('Criterion', {}).items():
        if not condition_holds(field_values(finding, path), condition):
            return False
    return True


def _sorted(findings, sort):
    if not sort or not sort.get('AttributeName'):
        return sorted(findings, key=lambda f: (f['CreatedAt'], f['Id']))
    path = sort['AttributeName']

    def sort_key(finding):
        values = field_values(finding, path)
        value = values[0] if values else ''
        number = _number(value)
        if number is not None:
            return (0, number, finding['Id'])
        return (1, _text(value), finding['Id'])
    return sorted(findings, key=sort_key, reverse=sort.get('OrderBy') == 'DESC')


# ---------------------------------------------------------------- operations

def _detector(ctx, detector_id):
    detector = ctx.world.get('detector', f'{ctx.account}/{ctx.region}/{detector_id}')
    if detector is None or not detector.visible(ctx.seconds):
        raise bad_request(NOT_OWNED)
    return detector


def _max_results(params):
    size = params.get('MaxResults', MAX_RESULTS)
    if not 1 <= size <= MAX_RESULTS:
        raise bad_request('The request is rejected because an invalid or out-of-range value is '
                          'specified as an input parameter.')
    return size


def _findings(ctx, detector):
    prefix = detector.extra['id'] + '/'
    return [r.attributes(ctx.seconds) for r in ctx.world.visible('finding', ctx)
            if r.key.startswith(prefix)]


def list_detectors(ctx, params):
    ids = sorted(d.extra['id'] for d in ctx.world.visible('detector', ctx))
    bad = bad_request('The request is rejected because the nextToken is invalid.')
    chunk, token = token_page(ids, params.get('NextToken'), _max_results(params), 'detectors', bad)
    return {'DetectorIds': chunk, 'NextToken': token}


def get_detector(ctx, params):
    return _detector(ctx, params['DetectorId']).attributes(ctx.seconds)


def list_findings(ctx, params):
    detector = _detector(ctx, params['DetectorId'])
    size = _max_results(params)
    findings = [f for f in _findings(ctx, detector) if _matches(f, params.get('FindingCriteria'))]
    ids = [f['Id'] for f in _sorted(findings, params.get('SortCriteria'))]
    bad = bad_request('The request is rejected because the nextToken is invalid.')
    chunk, token = token_page(ids, params.get('NextToken'), size,
                              'findings:' + detector.extra['id'], bad)
    return {'FindingIds': chunk, 'NextToken': token}


def get_findings(ctx, params):
    detector = _detector(ctx, params['DetectorId'])
    wanted = params['FindingIds']
    if len(wanted) > MAX_RESULTS:
        raise bad_request('The request is rejected because the findingIds list is longer than 50.')
    by_id = {f['Id']: f for f in _findings(ctx, detector)}
    findings = [by_id[i] for i in wanted if i in by_id]
    if params.get('SortCriteria'):
        findings = _sorted(findings, params['SortCriteria'])
    return {'Findings': findings}


OPERATIONS = {
    'ListDetectors': list_detectors,
    'GetDetector': get_detector,
    'ListFindings': list_findings,
    'GetFindings': get_findings,
}

SERVICE = ServiceSpec('guardduty', 'guardduty', MODEL, 'rest-json', OPERATIONS, load)
