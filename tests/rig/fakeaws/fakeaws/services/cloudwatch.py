"""Amazon CloudWatch GetMetricData for AWS/RDS metrics (query and JSON 1.0 forms)."""

import re

from .. import metrics
from ..clock import datetime_to_epoch, epoch_to_datetime
from ..errors import validation_error
from ..scenario import ScenarioError
from . import ServiceSpec
from .paging import decode_token, encode_token

NAMESPACE = 'AWS/RDS'
MAX_QUERIES = 500
MAX_DATAPOINTS = 100800
ID_PATTERN = re.compile(r'^[a-z][a-zA-Z0-9_]*$')


def load(world, doc):
    for section, dimension in (('instances', 'DBInstanceIdentifier'),
                               ('clusters', 'DBClusterIdentifier')):
        kind = 'db-instance' if section == 'instances' else 'db-cluster'
        for index, spec in enumerate(doc[section]):
            _load_series(world, kind, dimension, spec, f'{section}[{index}].metrics')


def _load_series(world, kind, dimension, spec, where):
    attributes = spec.get('attributes', {})
    identifier = attributes[dimension]
    region, account = world.placement(spec, where)
    aurora = kind == 'db-cluster' or attributes.get('Engine', '').startswith('aurora')
    specs = metrics.default_specs(aurora)
    for name, override in spec.get('metrics', {}).items():
        specs[name] = dict(specs.get(name, {}), **override)
    appear = spec.get('appear_at')
    data_start = float('-inf') if appear is None else world.clock.epoch_at(appear)
    for name, series_spec in specs.items():
        if series_spec.get('absent'):
            continue
        try:
            series = metrics.Series(identifier, name, series_spec, world.clock, data_start)
        except (ValueError, TypeError) as exc:
            raise ScenarioError(f'{where}.{name}: {exc}') from exc
        world.series[(account, region, NAMESPACE, name, ((dimension, identifier),))] = series


def _series_for(ctx, metric):
    dimensions = tuple(sorted((d['Name'], d['Value']) for d in metric.get('Dimensions', [])))
    return ctx.world.series.get((ctx.account, ctx.region, metric.get('Namespace'),
                                 metric.get('MetricName'), dimensions))


def _check_queries(ctx, queries, params):
    if len(queries) > MAX_QUERIES:
        raise validation_error(ctx.service, 'The collection MetricDataQueries must not have a '
                                            f'size greater than {MAX_QUERIES}.')
    if params['StartTime'] >= params['EndTime']:
        raise validation_error(ctx.service, 'The parameter StartTime must be less than the '
                                            'parameter EndTime.')
    seen = set()
    for number, query in enumerate(queries, 1):
        where = f'MetricDataQueries.member.{number}'
        if not ID_PATTERN.match(query['Id']):
            raise validation_error(ctx.service, f"The value {query['Id']} for parameter "
                                                f"{where}.Id is not valid.")
        if query['Id'] in seen:
            raise validation_error(ctx.service, 'The values for parameter id in '
                                                'MetricDataQueries are not unique.')
        seen.add(query['Id'])
        _check_stat(ctx, query, where)


def _check_stat(ctx, query, where):
    stat = query.get('MetricStat')
    if stat is None:
        raise validation_error(ctx.service, f'{where}: this endpoint serves MetricStat queries '
                                            'only (no metric math Expression).')
    period = stat['Period']
    if period <= 0 or (period % 60 and period not in (1, 5, 10, 30)):
        raise validation_error(ctx.service, f'The parameter {where}.MetricStat.Period must be a '
                                            'multiple of 60.')
    if not metrics.valid_statistic(stat['Stat']):
        raise validation_error(ctx.service, f"The value {stat['Stat']} for parameter "
                                            f'{where}.MetricStat.Stat is not valid.')


def _datapoints(ctx, query, start, end, now):
    """[(bucket epoch, value)] in ascending time for one MetricStat query."""
    stat = query['MetricStat']
    series = _series_for(ctx, stat['Metric'])
    if series is None or (stat.get('Unit') not in (None, series.unit)):
        return []
    period = stat['Period']
    aligned = start - start % period
    buckets = {}
    for epoch, value in series.samples(aligned, end, now):
        buckets.setdefault(epoch - epoch % period, []).append(value)
    return [(bucket, metrics.statistic(stat['Stat'], values))
            for bucket, values in sorted(buckets.items())]


def get_metric_data(ctx, params):
    queries = params['MetricDataQueries']
    _check_queries(ctx, queries, params)
    start = datetime_to_epoch(params['StartTime'])
    end = datetime_to_epoch(params['EndTime'])
    now = ctx.clock.epoch_at(ctx.seconds)
    descending = params.get('ScanBy', 'TimestampDescending') == 'TimestampDescending'
    flat = []       # (query index, epoch, value), in response order
    returned = [q for q in queries if q.get('ReturnData', True)]
    for index, query in enumerate(returned):
        points = _datapoints(ctx, query, start, end, now)
        if descending:
            points.reverse()
        flat.extend((index, epoch, value) for epoch, value in points)
    offset = 0
    if params.get('NextToken'):
        try:
            offset = decode_token(params['NextToken'], 'metrics')
        except ValueError:
            raise validation_error(ctx.service, 'The NextToken is invalid.') from None
    size = params.get('MaxDatapoints', MAX_DATAPOINTS)
    chunk = flat[offset:offset + size]
    following = offset + size if offset + size < len(flat) else None
    results = _results(returned, flat, chunk, offset, first_page=offset == 0)
    return {'MetricDataResults': results,
            'NextToken': encode_token(following, 'metrics') if following is not None else None}


def _results(queries, flat, chunk, offset, first_page):
    """One MetricDataResult per query with points on this page (all, on page one)."""
    last_index = {}
    for position, (index, _, _) in enumerate(flat):
        last_index[index] = position
    by_query = {}
    for index, epoch, value in chunk:
        by_query.setdefault(index, []).append((epoch, value))
    end = offset + len(chunk)
    results = []
    for index, query in enumerate(queries):
        points = by_query.get(index, [])
        if not points and not (first_page and index not in last_index):
            continue
        complete = last_index.get(index, -1) < end
        results.append({
            'Id': query['Id'],
            'Label': query.get('Label') or query['MetricStat']['Metric']['MetricName'],
            'Timestamps': [epoch_to_datetime(epoch) for epoch, _ in points],
            'Values': [value for _, value in points],
            'StatusCode': 'Complete' if complete else 'PartialData',
        })
    return results


OPERATIONS = {'GetMetricData': get_metric_data}

SERVICE = ServiceSpec('cloudwatch', 'monitoring', 'cloudwatch', 'query', OPERATIONS, load)
