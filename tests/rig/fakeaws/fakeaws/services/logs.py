"""Amazon CloudWatch Logs FilterLogEvents (JSON 1.1).

Log groups come from two places: each DB instance's PostgreSQL log (exported
to /aws/rds/instance/<id>/postgresql, or /aws/rds/cluster/<cluster>/postgresql
for Aurora, stream = instance id, while "postgresql" is in the instance's or
cluster's EnabledCloudwatchLogsExports) and the scenario's "log_groups".
"""

import re
import zlib

from ..errors import AwsError, validation_error
from ..scenario import ScenarioError
from ..world import Resource
from . import ServiceSpec
from .paging import token_page

MAX_LIMIT = 10000
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\S+)')


def load(world, doc):
    for index, spec in enumerate(doc['log_groups']):
        where = f'log_groups[{index}]'
        if not spec.get('name'):
            raise ScenarioError(f'{where}: name is required')
        region, account = world.placement(spec, where)
        group = Resource('log-group', f"{account}/{region}/{spec['name']}", region, account,
                         {}, spec.get('appear_at'), spec)
        group.extra['events'] = []
        for number, event in enumerate(spec.get('events', [])):
            if set(event) - {'at', 'stream', 'message'} or 'at' not in event:
                raise ScenarioError(f'{where}.events[{number}]: an event is '
                                    '{"at": seconds, "stream": name, "message": text}')
            group.extra['events'].append((event['at'], event.get('stream', 'default'),
                                          event.get('message', '')))
        world.add(group)


def add_events(world, group, events):
    """Append (seconds, stream, message) events to a scenario log group."""
    with world.lock:
        group.extra['events'] = group.extra['events'] + list(events)


def postgres_group_name(attributes):
    cluster = attributes.get('DBClusterIdentifier')
    if cluster:
        return f'/aws/rds/cluster/{cluster}/postgresql'
    return f"/aws/rds/instance/{attributes['DBInstanceIdentifier']}/postgresql"


def _exports_postgres(ctx, attributes):
    cluster_id = attributes.get('DBClusterIdentifier')
    if cluster_id:
        cluster = ctx.world.get('db-cluster', f'{ctx.account}/{ctx.region}/{cluster_id}')
        if cluster is not None:
            exports = cluster.attributes(ctx.seconds).get('EnabledCloudwatchLogsExports', [])
            return 'postgresql' in exports
    return 'postgresql' in attributes.get('EnabledCloudwatchLogsExports', [])


def group_events(ctx, name):
    """[(seconds, stream, message)] of a log group, or None if it does not exist."""
    found = False
    events = []
    for instance in ctx.world.visible('db-instance', ctx):
        attributes = instance.attributes(ctx.seconds)
        if postgres_group_name(attributes) != name or not _exports_postgres(ctx, attributes):
            continue
        found = True
        with ctx.world.lock:
            lines = list(instance.extra.get('log_lines', []))
        events.extend((at, attributes['DBInstanceIdentifier'], line) for at, line in lines)
    group = ctx.world.get('log-group', f'{ctx.account}/{ctx.region}/{name}')
    if group is not None and group.visible(ctx.seconds):
        found = True
        with ctx.world.lock:
            events.extend(group.extra['events'])
    return events if found else None


def compile_pattern(ctx, text):
    """A predicate for CloudWatch Logs term/phrase filter patterns:
    plain terms and "quoted phrases" must all occur, -term must not, and at
    least one ?term must when any is given (all case-sensitive)."""
    text = (text or '').strip()
    if text.startswith(('{', '[')):
        raise validation_error(ctx.service, 'This endpoint supports term and phrase filter '
                                            'patterns only, not JSON or space-delimited ones.')
    required, excluded, optional = [], [], []
    for quoted, bare in _TOKEN.findall(text):
        term = quoted.replace('\\"', '"') if quoted else bare
        if bare.startswith('?') and len(bare) > 1:
            optional.append(bare[1:].strip('"'))
        elif bare.startswith('-') and len(bare) > 1:
            excluded.append(bare[1:].strip('"'))
        else:
            required.append(term)

    def matches(message):
        return (all(t in message for t in required)
                and not any(t in message for t in excluded)
                and (not optional or any(t in message for t in optional)))
    return matches


def _event_id(epoch_ms, stream, message, repeat):
    """A 56-digit id, stable for an event however the group grows."""
    return (f'{epoch_ms:020d}{zlib.crc32(stream.encode()):010d}'
            f'{zlib.crc32(message.encode()):010d}{repeat:016d}')


def filter_log_events(ctx, params):
    name = params.get('logGroupName')
    identifier = params.get('logGroupIdentifier')
    if name and identifier:
        raise validation_error(ctx.service, 'LogGroup name and LogGroup ARN are mutually '
                                            'exclusive parameters.')
    name = name or (identifier or '').split(':log-group:')[-1].removesuffix(':*')
    if not name:
        raise validation_error(ctx.service,
                               'Either logGroupName or logGroupIdentifier is required.')
    streams = params.get('logStreamNames')
    prefix = params.get('logStreamNamePrefix')
    if streams and prefix:
        raise validation_error(ctx.service, 'logStreamNames and logStreamNamePrefix are mutually '
                                            'exclusive parameters.')
    limit = params.get('limit', MAX_LIMIT)
    if not 1 <= limit <= MAX_LIMIT:
        raise validation_error(ctx.service, f'limit must be between 1 and {MAX_LIMIT}.')
    events = group_events(ctx, name)
    if events is None:
        raise AwsError('ResourceNotFoundException', 'The specified log group does not exist.', 400)
    matches = compile_pattern(ctx, params.get('filterPattern'))
    selected = _select(ctx, events, params, streams, prefix, matches)
    bad = validation_error(ctx.service, 'The specified nextToken is invalid.')
    chunk, token = token_page(selected, params.get('nextToken'), limit, 'logs:' + name, bad)
    searched = sorted({e['logStreamName'] for e in selected})
    return {'events': chunk, 'nextToken': token,
            'searchedLogStreams': [{'logStreamName': s, 'searchedCompletely': True}
                                   for s in searched]}


def _select(ctx, events, params, streams, prefix, matches):
    start = params.get('startTime')
    end = params.get('endTime')
    selected = []
    repeats = {}
    for at, stream, message in sorted(events, key=lambda event: event[:2]):
        if at > ctx.seconds:
            continue
        epoch_ms = int(round(ctx.clock.epoch_at(at) * 1000))
        identity = (epoch_ms, stream, message)
        repeat = repeats[identity] = repeats.get(identity, -1) + 1
        if (start is not None and epoch_ms < start) or (end is not None and epoch_ms > end):
            continue
        if (streams and stream not in streams) or (prefix and not stream.startswith(prefix)):
            continue
        if not matches(message):
            continue
        selected.append({'logStreamName': stream, 'timestamp': epoch_ms, 'message': message,
                         'ingestionTime': epoch_ms,
                         'eventId': _event_id(epoch_ms, stream, message, repeat)})
    return selected


OPERATIONS = {'FilterLogEvents': filter_log_events}

SERVICE = ServiceSpec('logs', 'logs', 'logs', 'json', OPERATIONS, load)
