"""The running scenario: resources whose attributes change over scenario time.

Service modules build their resources from the expanded scenario (each has a
`load(world, doc)`), then answer requests from `world` for the current
scenario second. Attribute values are held exactly as botocore shapes them
(PascalCase member names, datetimes) and checked with botocore's
ParamValidator when loaded or changed, so a misspelled member is refused at
start with the scenario path that holds it.
"""

import datetime
import threading

from botocore.validate import ParamValidator

from .clock import iso8601
from .scenario import ScenarioError

# GuardDuty writes these times as ISO strings; the scenario may give numbers.
TIME_STRING_MEMBERS = frozenset({'CreatedAt', 'UpdatedAt', 'EventFirstSeen', 'EventLastSeen'})


class Timeline:
    """Attributes at scenario second s: the base merged with every change at <= s."""

    def __init__(self, base):
        self._changes = [(float('-inf'), base)]
        self._lock = threading.Lock()

    def add(self, at, attributes):
        with self._lock:
            self._changes.append((at, attributes))
            self._changes.sort(key=lambda change: change[0])

    def at(self, seconds):
        merged = {}
        with self._lock:
            for when, attributes in self._changes:
                if when > seconds:
                    break
                merged.update(attributes)
        return merged


class Resource:
    """A scenario object placed in an account and region, visible from appear_at."""

    def __init__(self, kind, key, region, account, attributes, appear_at=None, spec=None):
        self.kind = kind
        self.key = key
        self.region = region
        self.account = account
        self.appear_at = appear_at
        self.timeline = Timeline(attributes)
        self.spec = spec or {}
        self.extra = {}

    def visible(self, seconds):
        return self.appear_at is None or self.appear_at <= seconds

    def attributes(self, seconds):
        return self.timeline.at(seconds)


class World:
    def __init__(self, doc, clock, credentials):
        self.doc = doc
        self.clock = clock
        self.credentials = credentials
        self.regions = list(doc['regions'])
        self.default_region = self.regions[0]
        self.accounts = [a['id'] for a in doc['accounts']]
        self.default_account = self.accounts[0]
        self.lock = threading.RLock()
        self._resources = {}
        self.series = {}        # (account, region, namespace, metric, dimensions) -> Series
        self.default_certificate = None

    def add(self, resource):
        with self.lock:
            self._resources.setdefault(resource.kind, {})[resource.key] = resource
        return resource

    def get(self, kind, key):
        with self.lock:
            return self._resources.get(kind, {}).get(key)

    def all(self, kind):
        with self.lock:
            return list(self._resources.get(kind, {}).values())

    def visible(self, kind, ctx):
        """Resources of a kind visible to a request (its account, region, time)."""
        now = ctx.seconds
        return [r for r in self.all(kind)
                if r.account == ctx.account and r.region == ctx.region and r.visible(now)]

    def placement(self, spec, where):
        region = spec.get('region', self.default_region)
        account = spec.get('account', self.default_account)
        if region not in self.regions:
            raise ScenarioError(f'{where}: region {region!r} is not in "regions"')
        if account not in self.accounts:
            raise ScenarioError(f'{where}: account {account!r} is not in "accounts"')
        return region, account

    def load_changes(self, resource, shape, changes, where):
        """Add a scenario entry's "changes" ([{at, attributes}]) to a resource."""
        for index, change in enumerate(changes):
            here = f'{where}[{index}]'
            unknown = set(change) - {'at', 'attributes'}
            if unknown or 'at' not in change:
                raise ScenarioError(f'{here}: a change is {{"at": seconds, "attributes": {{...}}}}')
            self.change(resource, shape, change['at'], change.get('attributes', {}), here)

    def change(self, resource, shape, at, attributes, where):
        """Set attributes from scenario second `at` on (validated against the shape)."""
        merged = dict(resource.attributes(float('inf')))
        merged.update(attributes)
        resolved = self.materialize(shape, merged, where)
        resource.timeline.add(at, {name: resolved[name] for name in attributes})

    def materialize(self, shape, value, where):
        """Scenario values for a shape -> botocore values (times resolved), validated."""
        resolved = resolve_times(shape, value, self.clock)
        validate(shape, resolved, where)
        return resolved


def resolve_times(shape, value, clock):
    """Numbers in timestamp members become datetimes (scenario seconds -> wall clock)."""
    kind = shape.type_name
    if kind == 'structure' and isinstance(value, dict):
        out = {}
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None:
                out[name] = item
            elif (name in TIME_STRING_MEMBERS and member.type_name == 'string'
                  and _is_number(item)):
                out[name] = iso8601(clock.datetime_at(item))
            else:
                out[name] = resolve_times(member, item, clock)
        return out
    if kind == 'list' and isinstance(value, list):
        return [resolve_times(shape.member, item, clock) for item in value]
    if kind == 'map' and isinstance(value, dict):
        return {k: resolve_times(shape.value, v, clock) for k, v in value.items()}
    if kind == 'timestamp' and _is_number(value):
        return clock.datetime_at(value)
    if kind == 'timestamp' and isinstance(value, str):
        return _parse_absolute(value)
    return value


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _parse_absolute(text):
    try:
        parsed = datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))
    except ValueError:
        return text     # left for the validator to report
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return parsed


def validate(shape, value, where):
    report = ParamValidator().validate(value, shape)
    if report.has_errors():
        raise ScenarioError(f'{where}: {report.generate_report()}')
