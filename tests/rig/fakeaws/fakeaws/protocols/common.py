"""Shape helpers shared by the protocol codecs (botocore model shapes)."""

import base64
import datetime
import email.utils

from botocore.utils import parse_timestamp as _botocore_parse_timestamp

from ..clock import UTC, datetime_to_epoch, iso8601


class InputError(ValueError):
    """A request value that does not fit its shape (client's fault)."""

    def __init__(self, name, detail):
        super().__init__(f"Invalid value for parameter {name}: {detail}")
        self.name = name


class MalformedBody(ValueError):
    """A request body that cannot be parsed at all (not JSON, not UTF-8)."""


class MissingMember(ValueError):
    def __init__(self, name):
        super().__init__(f'missing required parameter {name}')
        self.name = name


def wire_name(member_shape, member_name):
    """The name a member has on the wire (its locationName, if any)."""
    return member_shape.serialization.get('name', member_name)


def format_timestamp(value, default_format):
    """A datetime as the protocol writes it ('iso8601', 'unixTimestamp', 'rfc822')."""
    if not isinstance(value, datetime.datetime):
        raise TypeError(f'timestamp expected, got {value!r}')
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if default_format == 'unixTimestamp':
        epoch = datetime_to_epoch(value)
        return int(epoch) if epoch == int(epoch) else round(epoch, 3)
    if default_format == 'rfc822':
        return email.utils.format_datetime(value.astimezone(UTC), usegmt=True)
    return iso8601(value)


def timestamp_format(shape, default_format):
    return shape.serialization.get('timestampFormat', default_format)


def parse_timestamp(name, value):
    try:
        parsed = _botocore_parse_timestamp(value)
    except (ValueError, TypeError, OverflowError, RuntimeError) as exc:
        raise InputError(name, f'not a timestamp: {value!r}') from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def scalar_from_text(shape, name, text):
    """Convert a text value (query string, form field, header) to its shape's type."""
    kind = shape.type_name
    try:
        if kind in ('integer', 'long'):
            return int(text)
        if kind in ('float', 'double'):
            return float(text)
        if kind == 'boolean':
            lowered = text.lower()
            if lowered not in ('true', 'false'):
                raise ValueError(text)
            return lowered == 'true'
        if kind == 'blob':
            return base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise InputError(name, f'{text!r} is not a valid {kind}') from exc
    if kind == 'timestamp':
        return parse_timestamp(name, text)
    return text


def scalar_to_text(shape, value, default_timestamp_format):
    """A scalar as text (XML element, header)."""
    kind = shape.type_name
    if kind == 'boolean':
        return 'true' if value else 'false'
    if kind == 'timestamp':
        return str(format_timestamp(value, timestamp_format(shape, default_timestamp_format)))
    if kind == 'blob':
        return base64.b64encode(value).decode('ascii')
    if kind in ('float', 'double'):
        return repr(float(value))
    return str(value)


def check_known_members(shape, value, where):
    """Refuse members a structure shape does not have (a bug in fakeaws data)."""
    unknown = set(value) - set(shape.members)
    if unknown:
        raise KeyError(f'{where}: {shape.name} has no member(s) {sorted(unknown)}')


def required_missing(shape, params, prefix=''):
    """Name of the first required member missing from decoded params, or None."""
    for name in shape.required_members:
        if params.get(name) is None:
            return prefix + name
    return None
