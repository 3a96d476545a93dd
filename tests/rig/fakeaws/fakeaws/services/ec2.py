"""Amazon EC2 DescribeSecurityGroups (EC2 query dialect)."""

from ..errors import AwsError, validation_error
from ..models import shape as model_shape
from ..scenario import ScenarioError
from ..world import Resource
from . import ServiceSpec
from .paging import apply_filters, token_page

MODEL = 'ec2'


def load(world, doc):
    shape = model_shape(MODEL, 'SecurityGroup')
    for index, spec in enumerate(doc['security_groups']):
        where = f'security_groups[{index}]'
        region, account = world.placement(spec, where)
        attributes = dict(spec.get('attributes', {}))
        if not str(attributes.get('GroupId', '')).startswith('sg-'):
            raise ScenarioError(f'{where}.attributes: GroupId "sg-..." is required')
        attributes.setdefault('OwnerId', account)
        base = world.materialize(shape, attributes, f'{where}.attributes')
        world.add(Resource('security-group', f"{account}/{region}/{attributes['GroupId']}",
                           region, account, base, spec.get('appear_at'), spec))


def _rule_values(attribute, pick):
    def values(group):
        found = []
        for rule in group.get(attribute, []):
            found.extend(pick(rule))
        return found
    return values


def _filters():
    table = {
        'group-id': lambda g: g['GroupId'],
        'group-name': lambda g: g.get('GroupName'),
        'description': lambda g: g.get('Description'),
        'vpc-id': lambda g: g.get('VpcId'),
        'owner-id': lambda g: g.get('OwnerId'),
    }
    for prefix, attribute in (('ip-permission', 'IpPermissions'),
                              ('egress.ip-permission', 'IpPermissionsEgress')):
        table.update({
            f'{prefix}.cidr': _rule_values(
                attribute, lambda r: [x['CidrIp'] for x in r.get('IpRanges', [])]),
            f'{prefix}.ipv6-cidr': _rule_values(
                attribute, lambda r: [x['CidrIpv6'] for x in r.get('Ipv6Ranges', [])]),
            f'{prefix}.from-port': _rule_values(attribute, lambda r: [r.get('FromPort')]),
            f'{prefix}.to-port': _rule_values(attribute, lambda r: [r.get('ToPort')]),
            f'{prefix}.protocol': _rule_values(attribute, lambda r: [r.get('IpProtocol')]),
            f'{prefix}.group-id': _rule_values(
                attribute, lambda r: [x.get('GroupId') for x in r.get('UserIdGroupPairs', [])]),
        })
    return table


def _tag_filters(filters):
    """Split tag:<key> filters (handled here) from the others."""
    tags, others = [], []
    for spec in filters or []:
        (tags if spec.get('Name', '').startswith('tag:') else others).append(spec)
    return tags, others


def _has_tag(group, name, values):
    key = name[len('tag:'):]
    return any(t.get('Key') == key and t.get('Value') in values for t in group.get('Tags', []))


def describe_security_groups(ctx, params):
    ids = params.get('GroupIds', [])
    names = params.get('GroupNames', [])
    if (ids or names) and 'MaxResults' in params:
        raise AwsError('InvalidParameterCombination', 'The parameter groupIds cannot be used with '
                                                      'the parameter maxResults', 400)
    groups = sorted((r.attributes(ctx.seconds) for r in ctx.world.visible('security-group', ctx)),
                    key=lambda g: g['GroupId'])
    for group_id in ids:
        if not group_id.startswith('sg-'):
            raise AwsError('InvalidGroupId.Malformed', f'Invalid id: "{group_id}"', 400)
        if not any(g['GroupId'] == group_id for g in groups):
            raise AwsError('InvalidGroup.NotFound',
                           f"The security group '{group_id}' does not exist", 400)
    if ids:
        groups = [g for g in groups if g['GroupId'] in ids]
    if names:
        groups = [g for g in groups if g.get('GroupName') in names]
    tags, others = _tag_filters(params.get('Filters'))
    for spec in tags:
        groups = [g for g in groups if _has_tag(g, spec['Name'], spec.get('Values', []))]
    groups = apply_filters(ctx, groups, others, _filters())
    size = params.get('MaxResults', 1000)
    if not 5 <= size <= 1000:
        raise validation_error(ctx.service, f'Value ( {size} ) for parameter maxResults is '
                                            'invalid. Expecting a value between 5 and 1000.')
    bad = AwsError('InvalidPaginationToken', 'The pagination token is not valid.', 400)
    chunk, token = token_page(groups, params.get('NextToken'), size, 'security-groups', bad)
    return {'SecurityGroups': chunk, 'NextToken': token}


OPERATIONS = {'DescribeSecurityGroups': describe_security_groups}

SERVICE = ServiceSpec('ec2', 'ec2', MODEL, 'ec2', OPERATIONS, load)
