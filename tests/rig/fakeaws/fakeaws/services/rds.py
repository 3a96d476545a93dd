"""Amazon RDS (query protocol, API version 2014-10-31)."""

import datetime

from .. import pglog
from ..credentials import stable_id
from ..errors import AwsError, model_error, validation_error
from ..models import service_model, shape as model_shape
from ..scenario import ScenarioError
from ..world import Resource
from . import ServiceSpec
from .paging import apply_filters, rds_page

MODEL = 'rds'
SOURCE_TYPES = {
    'db-instance': 'db', 'db-cluster': 'cluster', 'db-parameter-group': 'pg',
    'db-security-group': 'secgrp', 'db-snapshot': 'snapshot',
    'db-cluster-snapshot': 'cluster-snapshot', 'custom-engine-version': 'cev',
    'db-proxy': 'db-proxy', 'blue-green-deployment': 'deployment',
}
EVENT_HORIZON = datetime.timedelta(days=14)
LOG_RETENTION = datetime.timedelta(days=3)
LOG_PORTION_LIMIT = 1024 * 1024
LOG_DEFAULT_LINES = 10000


def arn(region, account, arn_type, identifier):
    return f'arn:aws:rds:{region}:{account}:{arn_type}:{identifier}'


def key(account, region, identifier):
    return f'{account}/{region}/{identifier}'


class DbKind:
    """What differs between DB instances and DB clusters."""

    def __init__(self, kind, shape, id_member, arn_member, arn_type, resource_id_member,
                 resource_id_prefix, not_found):
        self.kind = kind
        self.shape = shape
        self.id_member = id_member
        self.arn_member = arn_member
        self.arn_type = arn_type
        self.resource_id_member = resource_id_member
        self.resource_id_prefix = resource_id_prefix
        self.not_found = not_found


INSTANCE = DbKind('db-instance', 'DBInstance', 'DBInstanceIdentifier', 'DBInstanceArn', 'db',
                  'DbiResourceId', 'db-', 'DBInstanceNotFoundFault')
CLUSTER = DbKind('db-cluster', 'DBCluster', 'DBClusterIdentifier', 'DBClusterArn', 'cluster',
                 'DbClusterResourceId', 'cluster-', 'DBClusterNotFoundFault')


class SnapshotKind:
    """What differs between DB snapshots and DB cluster snapshots."""

    def __init__(self, kind, shape, id_member, arn_member, arn_type, owner_member, not_found,
                 filters):
        self.kind = kind
        self.shape = shape
        self.id_member = id_member
        self.arn_member = arn_member
        self.arn_type = arn_type
        self.owner_member = owner_member
        self.not_found = not_found
        self.filters = filters


DB_SNAPSHOT = SnapshotKind(
    'db-snapshot', 'DBSnapshot', 'DBSnapshotIdentifier', 'DBSnapshotArn', 'snapshot',
    'DBInstanceIdentifier', 'DBSnapshotNotFoundFault', {
        'db-instance-id': lambda a: a.get('DBInstanceIdentifier'),
        'db-snapshot-id': lambda a: a.get('DBSnapshotIdentifier'),
        'dbi-resource-id': lambda a: a.get('DbiResourceId'),
        'snapshot-type': lambda a: a.get('SnapshotType'),
        'engine': lambda a: a.get('Engine'),
    })
CLUSTER_SNAPSHOT = SnapshotKind(
    'db-cluster-snapshot', 'DBClusterSnapshot', 'DBClusterSnapshotIdentifier',
    'DBClusterSnapshotArn', 'cluster-snapshot', 'DBClusterIdentifier',
    'DBClusterSnapshotNotFoundFault', {
        'db-cluster-id': lambda a: a.get('DBClusterIdentifier'),
        'db-cluster-snapshot-id': lambda a: a.get('DBClusterSnapshotIdentifier'),
        'snapshot-type': lambda a: a.get('SnapshotType'),
        'engine': lambda a: a.get('Engine'),
        'engine-version': lambda a: a.get('EngineVersion'),
    })


# ---------------------------------------------------------------- loading

def load(world, doc):
    for index, spec in enumerate(doc['instances']):
        _load_db(world, INSTANCE, spec, f'instances[{index}]')
    for index, spec in enumerate(doc['clusters']):
        _load_db(world, CLUSTER, spec, f'clusters[{index}]')
    for section, kind in (('parameter_groups', 'db-parameter-group'),
                          ('cluster_parameter_groups', 'db-cluster-parameter-group')):
        for index, spec in enumerate(doc[section]):
            _load_parameter_group(world, kind, spec, f'{section}[{index}]')
    _load_simple(world, doc['engine_versions'], 'engine-version', 'DBEngineVersion',
                 'engine_versions', lambda a: f"{a.get('Engine')}/{a.get('EngineVersion')}")
    _load_simple(world, doc['certificates'], 'certificate', 'Certificate',
                 'certificates', lambda a: a.get('CertificateIdentifier'))
    for section, kind in (('snapshots', DB_SNAPSHOT), ('cluster_snapshots', CLUSTER_SNAPSHOT)):
        for index, spec in enumerate(doc[section]):
            _load_snapshot(world, kind, spec, f'{section}[{index}]')
    for index, spec in enumerate(doc['events']):
        load_event(world, spec, f'events[{index}]', index)
    world.default_certificate = doc.get('default_certificate')


def _load_db(world, kind, spec, where):
    shape = model_shape(MODEL, kind.shape)
    attributes = dict(spec.get('attributes', {}))
    identifier = attributes.get(kind.id_member)
    if not identifier:
        raise ScenarioError(f'{where}.attributes: {kind.id_member} is required')
    region, account = world.placement(spec, where)
    resource_arn = arn(region, account, kind.arn_type, identifier)
    attributes.setdefault(kind.arn_member, resource_arn)
    attributes.setdefault(kind.resource_id_member,
                          kind.resource_id_prefix + stable_id(resource_arn, 26))
    base = world.materialize(shape, attributes, f'{where}.attributes')
    resource = Resource(kind.kind, key(account, region, identifier), region, account, base,
                        spec.get('appear_at'), spec)
    resource.extra['arn'] = resource_arn
    resource.extra['restore_lag'] = spec.get('restore_lag', 300)
    action_shape = model_shape(MODEL, 'PendingMaintenanceAction')
    resource.extra['pending'] = [
        world.materialize(action_shape, action, f'{where}.pending_maintenance[{i}]')
        for i, action in enumerate(spec.get('pending_maintenance', []))]
    if kind is INSTANCE:
        entries = pglog.expand(spec.get('postgres_log', []), f'{where}.postgres_log')
        resource.extra['log_lines'] = sorted(
            (line for entry in entries for line in pglog.render(entry, world.clock)),
            key=lambda line: line[0])
    world.load_changes(resource, shape, spec.get('changes', []), f'{where}.changes')
    world.add(resource)


def _load_parameter_group(world, kind, spec, where):
    if not spec.get('name'):
        raise ScenarioError(f'{where}: name is required')
    region, account = world.placement(spec, where)
    shape = model_shape(MODEL, 'Parameter')
    parameters = [world.materialize(shape, p, f'{where}.parameters[{i}]')
                  for i, p in enumerate(spec.get('parameters', []))]
    world.add(Resource(kind, key(account, region, spec['name']), region, account,
                       {'Parameters': parameters, 'Family': spec.get('family')},
                       spec.get('appear_at'), spec))


def _load_simple(world, specs, kind, shape_name, section, identify):
    shape = model_shape(MODEL, shape_name)
    for index, spec in enumerate(specs):
        where = f'{section}[{index}]'
        region, account = world.placement(spec, where)
        attributes = world.materialize(shape, spec.get('attributes', {}), f'{where}.attributes')
        world.add(Resource(kind, key(account, region, identify(attributes)), region, account,
                           attributes, spec.get('appear_at'), spec))


def _load_snapshot(world, kind, spec, where):
    attributes = dict(spec.get('attributes', {}))
    identifier = attributes.get(kind.id_member)
    if not identifier:
        raise ScenarioError(f'{where}.attributes: {kind.id_member} is required')
    region, account = world.placement(spec, where)
    attributes.setdefault(kind.arn_member, arn(region, account, kind.arn_type, identifier))
    base = world.materialize(model_shape(MODEL, kind.shape), attributes, f'{where}.attributes')
    resource = Resource(kind.kind, key(account, region, identifier), region, account, base,
                        spec.get('appear_at'), spec)
    resource.extra['restore'] = list(spec.get('restore', []))
    world.add(resource)


def load_event(world, spec, where, serial):
    """Add one RDS event ({"at", "attributes": Event members but Date})."""
    region, account = world.placement(spec, where)
    at = spec.get('at', 0)
    attributes = dict(spec.get('attributes', {}))
    source_type = attributes.get('SourceType')
    if source_type not in SOURCE_TYPES:
        raise ScenarioError(f'{where}.attributes: SourceType must be one of {sorted(SOURCE_TYPES)}')
    if attributes.get('SourceIdentifier'):
        attributes.setdefault('SourceArn', arn(region, account, SOURCE_TYPES[source_type],
                                               attributes['SourceIdentifier']))
    attributes['Date'] = at
    resolved = world.materialize(model_shape(MODEL, 'Event'), attributes, f'{where}.attributes')
    world.add(Resource('event', f'{account}/{region}/{serial}', region, account, resolved, at,
                       spec))


# ---------------------------------------------------------------- helpers

def _fault(shape_name, message):
    """The error of one of RDS's error shapes (code and status from the model)."""
    return model_error(service_model(MODEL), shape_name, message)


def _not_found(kind, identifier):
    label = 'DBInstance' if kind is INSTANCE else 'DBCluster'
    return _fault(kind.not_found, f'{label} {identifier} not found.')


def _short_id(identifier):
    """Identifier from an identifier or an ARN."""
    return identifier.rsplit(':', 1)[-1] if identifier.startswith('arn:') else identifier


def _db_view(ctx, resource):
    """Attributes as DescribeDB* returns them now, with derived members."""
    attributes = resource.attributes(ctx.seconds)
    if 'LatestRestorableTime' not in attributes and attributes.get('BackupRetentionPeriod', 0) > 0:
        attributes['LatestRestorableTime'] = ctx.at(ctx.seconds - resource.extra['restore_lag'])
    return attributes


def _ids(values):
    return [_short_id(v) for v in values]


def _describe_db(ctx, params, kind, filters, list_member):
    resources = ctx.world.visible(kind.kind, ctx)
    items = [_db_view(ctx, r) for r in resources]
    wanted = params.get(kind.id_member)
    if wanted:
        items = [i for i in items if i[kind.id_member] == _short_id(wanted)]
        if not items:
            raise _not_found(kind, _short_id(wanted))
    normalized = [dict(f, Values=_ids(f.get('Values', []))) if f.get('Name', '').endswith('-id')
                  else f for f in params.get('Filters', [])]
    items = apply_filters(ctx, items, normalized, filters)
    items.sort(key=lambda i: i[kind.id_member])
    chunk, marker = rds_page(ctx, items, params, kind.kind)
    return {list_member: chunk, 'Marker': marker}


def _find_db(ctx, kind, identifier):
    resource = ctx.world.get(kind.kind, key(ctx.account, ctx.region, _short_id(identifier)))
    if resource is None or not resource.visible(ctx.seconds):
        raise _not_found(kind, _short_id(identifier))
    return resource


# ---------------------------------------------------------------- operations

def describe_db_instances(ctx, params):
    filters = {
        'db-instance-id': lambda i: i['DBInstanceIdentifier'],
        'db-cluster-id': lambda i: i.get('DBClusterIdentifier'),
        'dbi-resource-id': lambda i: i.get('DbiResourceId'),
        'engine': lambda i: i.get('Engine'),
        'domain': lambda i: [d.get('Domain') for d in i.get('DomainMemberships', [])],
    }
    return _describe_db(ctx, params, INSTANCE, filters, 'DBInstances')


def describe_db_clusters(ctx, params):
    filters = {
        'db-cluster-id': lambda c: c['DBClusterIdentifier'],
        'db-cluster-resource-id': lambda c: c.get('DbClusterResourceId'),
        'engine': lambda c: c.get('Engine'),
        'domain': lambda c: [d.get('Domain') for d in c.get('DomainMemberships', [])],
    }
    return _describe_db(ctx, params, CLUSTER, filters, 'DBClusters')


def _event_window(ctx, params):
    end = params.get('EndTime') or ctx.now
    start = params.get('StartTime')
    if start is None:
        start = end - datetime.timedelta(minutes=params.get('Duration', 60))
    return max(start, ctx.now - EVENT_HORIZON), end


def describe_events(ctx, params):
    source_type = params.get('SourceType')
    if source_type is not None and source_type not in SOURCE_TYPES:
        raise validation_error(ctx.service, f'Invalid SourceType: {source_type}')
    if params.get('SourceIdentifier') and source_type is None:
        raise AwsError('InvalidParameterCombination',
                       'Cannot specify source identifier without source type', 400)
    start, end = _event_window(ctx, params)
    categories = set(params.get('EventCategories', []))
    events = []
    for resource in ctx.world.visible('event', ctx):
        event = resource.attributes(ctx.seconds)
        if not start <= event['Date'] <= end:
            continue
        if source_type and event.get('SourceType') != source_type:
            continue
        if params.get('SourceIdentifier') not in (None, event.get('SourceIdentifier')):
            continue
        if categories and not categories & set(event.get('EventCategories', [])):
            continue
        events.append(event)
    events.sort(key=lambda e: e['Date'])
    chunk, marker = rds_page(ctx, events, params, 'events')
    return {'Events': chunk, 'Marker': marker}


def describe_pending_maintenance_actions(ctx, params):
    resources = ctx.world.visible('db-instance', ctx) + ctx.world.visible('db-cluster', ctx)
    wanted_arn = params.get('ResourceIdentifier')
    if wanted_arn and not any(r.extra['arn'] == wanted_arn for r in resources):
        raise _fault('ResourceNotFoundFault',
                          f'The specified resource ARN {wanted_arn} was not found.')
    rows = []
    for resource in resources:
        if not resource.extra['pending'] or wanted_arn not in (None, resource.extra['arn']):
            continue
        rows.append({'resource': resource, 'ResourceIdentifier': resource.extra['arn'],
                     'PendingMaintenanceActionDetails': resource.extra['pending']})
    filters = {
        'db-instance-id': lambda r: (_short_id(r['ResourceIdentifier'])
                                     if r['resource'].kind == 'db-instance' else None),
        'db-cluster-id': lambda r: (_short_id(r['ResourceIdentifier'])
                                    if r['resource'].kind == 'db-cluster' else None),
    }
    normalized = [dict(f, Values=_ids(f.get('Values', []))) for f in params.get('Filters', [])]
    rows = apply_filters(ctx, rows, normalized, filters)
    rows.sort(key=lambda r: r['ResourceIdentifier'])
    chunk, marker = rds_page(ctx, rows, params, 'pending')
    actions = [{k: v for k, v in row.items() if k != 'resource'} for row in chunk]
    return {'PendingMaintenanceActions': actions, 'Marker': marker}


def _describe_parameters(ctx, params, kind, name_member):
    name = params[name_member]
    group = ctx.world.get(kind, key(ctx.account, ctx.region, name))
    if group is None or not group.visible(ctx.seconds):
        label = 'DBParameterGroup' if kind == 'db-parameter-group' else 'DBClusterParameterGroup'
        raise _fault('DBParameterGroupNotFoundFault',
                          f'{label} not found: {name}')
    parameters = group.attributes(ctx.seconds)['Parameters']
    source = params.get('Source')
    if source is not None:
        if source not in ('user', 'system', 'engine-default'):
            raise validation_error(ctx.service, f'Invalid value {source} for Source.')
        parameters = [p for p in parameters if p.get('Source') == source]
    chunk, marker = rds_page(ctx, parameters, params, kind + name)
    return {'Parameters': chunk, 'Marker': marker}


def describe_db_parameters(ctx, params):
    return _describe_parameters(ctx, params, 'db-parameter-group', 'DBParameterGroupName')


def describe_db_cluster_parameters(ctx, params):
    return _describe_parameters(ctx, params, 'db-cluster-parameter-group',
                                'DBClusterParameterGroupName')


def _snapshot_type_matches(resource, attributes, wanted):
    if wanted == 'public':
        return 'all' in resource.extra['restore']
    return attributes.get('SnapshotType') == wanted


def _describe_snapshots(ctx, params, kind, owner_params, list_member):
    wanted = params.get(kind.id_member)
    rows = [(r, r.attributes(ctx.seconds)) for r in ctx.world.visible(kind.kind, ctx)]
    if wanted:
        rows = [(r, a) for r, a in rows if a[kind.id_member] == _short_id(wanted)]
        if not rows:
            raise _fault(kind.not_found, f'{kind.shape} {_short_id(wanted)} not found.')
    for member in owner_params:
        if params.get(member):
            rows = [(r, a) for r, a in rows if a.get(member) == _short_id(params[member])]
    if params.get('SnapshotType'):
        rows = [(r, a) for r, a in rows if _snapshot_type_matches(r, a, params['SnapshotType'])]
    items = apply_filters(ctx, [a for _, a in rows], params.get('Filters'), kind.filters)
    items.sort(key=lambda a: a[kind.id_member])
    chunk, marker = rds_page(ctx, items, params, kind.kind)
    return {list_member: chunk, 'Marker': marker}


def describe_db_snapshots(ctx, params):
    return _describe_snapshots(ctx, params, DB_SNAPSHOT,
                               ('DBInstanceIdentifier', 'DbiResourceId'), 'DBSnapshots')


def describe_db_cluster_snapshots(ctx, params):
    return _describe_snapshots(ctx, params, CLUSTER_SNAPSHOT, ('DBClusterIdentifier',),
                               'DBClusterSnapshots')


def _snapshot_attributes(ctx, params, kind):
    identifier = _short_id(params[kind.id_member])
    resource = ctx.world.get(kind.kind, key(ctx.account, ctx.region, identifier))
    if resource is None or not resource.visible(ctx.seconds):
        raise _fault(kind.not_found, f'{kind.shape} {identifier} not found.')
    return {kind.id_member: identifier,
            kind.shape + 'Attributes': [{'AttributeName': 'restore',
                                         'AttributeValues': list(resource.extra['restore'])}]}


def describe_db_snapshot_attributes(ctx, params):
    return {'DBSnapshotAttributesResult': _snapshot_attributes(ctx, params, DB_SNAPSHOT)}


def describe_db_cluster_snapshot_attributes(ctx, params):
    return {'DBClusterSnapshotAttributesResult':
            _snapshot_attributes(ctx, params, CLUSTER_SNAPSHOT)}


def _version_matches(version, wanted):
    return version == wanted or version.startswith(wanted + '.')


def describe_db_engine_versions(ctx, params):
    rows = [(r, r.attributes(ctx.seconds)) for r in ctx.world.visible('engine-version', ctx)]
    if not params.get('IncludeAll'):
        rows = [(r, a) for r, a in rows if a.get('Status', 'available') != 'deprecated']
    if params.get('Engine'):
        rows = [(r, a) for r, a in rows if a.get('Engine') == params['Engine']]
    if params.get('EngineVersion'):
        rows = [(r, a) for r, a in rows
                if _version_matches(a.get('EngineVersion', ''), params['EngineVersion'])]
    if params.get('DBParameterGroupFamily'):
        rows = [(r, a) for r, a in rows
                if a.get('DBParameterGroupFamily') == params['DBParameterGroupFamily']]
    if params.get('DefaultOnly'):
        rows = [(r, a) for r, a in rows if r.spec.get('default')]
    filters = {
        'engine': lambda a: a.get('Engine'),
        'engine-version': lambda a: a.get('EngineVersion'),
        'engine-mode': lambda a: a.get('SupportedEngineModes', []),
        'status': lambda a: a.get('Status', 'available'),
    }
    items = apply_filters(ctx, [a for _, a in rows], params.get('Filters'), filters)
    items.sort(key=lambda a: (a.get('Engine', ''), _version_key(a.get('EngineVersion', ''))))
    chunk, marker = rds_page(ctx, items, params, 'engine-versions')
    return {'DBEngineVersions': chunk, 'Marker': marker}


def _version_key(version):
    return [int(p) if p.isdigit() else p for p in version.replace('-', '.').split('.')]


def describe_certificates(ctx, params):
    items = [r.attributes(ctx.seconds) for r in ctx.world.visible('certificate', ctx)]
    wanted = params.get('CertificateIdentifier')
    if wanted:
        items = [c for c in items if c.get('CertificateIdentifier') == wanted]
        if not items:
            raise _fault('CertificateNotFoundFault',
                              f'Certificate {wanted} not found.')
    items = apply_filters(ctx, items, params.get('Filters'),
                          {'certificate-id': lambda c: c.get('CertificateIdentifier')})
    items.sort(key=lambda c: c.get('CertificateIdentifier', ''))
    chunk, marker = rds_page(ctx, items, params, 'certificates')
    result = {'Certificates': chunk, 'Marker': marker}
    if ctx.world.default_certificate:
        result['DefaultCertificateForNewLaunches'] = ctx.world.default_certificate
    return result


# ---------------------------------------------------------------- log files

def add_log_lines(world, resource, lines):
    """Append rendered (seconds, line) pairs to an instance's PostgreSQL log."""
    with world.lock:
        merged = resource.extra.setdefault('log_lines', []) + list(lines)
        resource.extra['log_lines'] = sorted(merged, key=lambda line: line[0])


def log_files(ctx, resource):
    """{file name: (content bytes, last written epoch ms)} as of now, hourly files."""
    files = {}
    oldest = ctx.now - LOG_RETENTION
    with ctx.world.lock:
        lines = list(resource.extra.get('log_lines', []))
    for seconds, line in lines:
        if seconds > ctx.seconds:
            break
        when = ctx.at(seconds)
        if when < oldest:
            continue
        name = when.strftime('error/postgresql.log.%Y-%m-%d-%H')
        content, _ = files.get(name, (b'', 0))
        files[name] = (content + line.encode('utf-8') + b'\n', int(when.timestamp() * 1000))
    current = ctx.now.strftime('error/postgresql.log.%Y-%m-%d-%H')
    files.setdefault(current, (b'', int(ctx.now.timestamp() * 1000)))
    return files


def describe_db_log_files(ctx, params):
    resource = _find_db(ctx, INSTANCE, params['DBInstanceIdentifier'])
    rows = [{'LogFileName': name, 'LastWritten': written, 'Size': len(content)}
            for name, (content, written) in sorted(log_files(ctx, resource).items())]
    if params.get('FilenameContains'):
        rows = [r for r in rows if params['FilenameContains'] in r['LogFileName']]
    if params.get('FileLastWritten'):
        rows = [r for r in rows if r['LastWritten'] >= params['FileLastWritten']]
    if params.get('FileSize'):
        rows = [r for r in rows if r['Size'] >= params['FileSize']]
    chunk, marker = rds_page(ctx, rows, params, 'log-files')
    return {'DescribeDBLogFiles': chunk, 'Marker': marker}


def _line_starts(content):
    starts = [0]
    for index, byte in enumerate(content):
        if byte == 0x0A and index + 1 < len(content):
            starts.append(index + 1)
    return starts if content else []


def download_db_log_file_portion(ctx, params):
    resource = _find_db(ctx, INSTANCE, params['DBInstanceIdentifier'])
    name = params['LogFileName']
    files = log_files(ctx, resource)
    if name not in files:
        raise _fault('DBLogFileNotFoundFault',
                          f'DBLog File: {name}, is not found on the DB instance')
    content = files[name][0]
    start, stop = _portion_bounds(ctx, content, params)
    data = content[start:stop]
    if len(data) > LOG_PORTION_LIMIT:
        cut = data.rfind(b'\n', 0, LOG_PORTION_LIMIT) + 1 or LOG_PORTION_LIMIT
        data, stop = data[:cut], start + cut
    return {'LogFileData': data.decode('utf-8', errors='replace'), 'Marker': str(stop),
            'AdditionalDataPending': stop < len(content)}


def _portion_bounds(ctx, content, params):
    """Byte range to return: from Marker (or the tail) for NumberOfLines lines."""
    marker = params.get('Marker')
    lines = params.get('NumberOfLines')
    starts = _line_starts(content)
    if marker is None:
        tail = lines or LOG_DEFAULT_LINES
        return (starts[-tail] if len(starts) >= tail else 0), len(content)
    if not marker.isdigit() or int(marker) > len(content):
        raise validation_error(ctx.service, f'Invalid marker: {marker}')
    start = int(marker)
    if not lines:
        return start, len(content)
    following = [s for s in starts if s > start]
    return start, (following[lines - 1] if len(following) >= lines else len(content))


OPERATIONS = {
    'DescribeDBInstances': describe_db_instances,
    'DescribeDBClusters': describe_db_clusters,
    'DescribeEvents': describe_events,
    'DescribePendingMaintenanceActions': describe_pending_maintenance_actions,
    'DescribeDBParameters': describe_db_parameters,
    'DescribeDBClusterParameters': describe_db_cluster_parameters,
    'DescribeDBSnapshots': describe_db_snapshots,
    'DescribeDBSnapshotAttributes': describe_db_snapshot_attributes,
    'DescribeDBClusterSnapshots': describe_db_cluster_snapshots,
    'DescribeDBClusterSnapshotAttributes': describe_db_cluster_snapshot_attributes,
    'DescribeDBEngineVersions': describe_db_engine_versions,
    'DescribeCertificates': describe_certificates,
    'DescribeDBLogFiles': describe_db_log_files,
    'DownloadDBLogFilePortion': download_db_log_file_portion,
}

SERVICE = ServiceSpec('rds', 'rds', MODEL, 'query', OPERATIONS, load)
