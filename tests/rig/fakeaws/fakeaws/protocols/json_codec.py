"""JSON values <-> botocore-shaped values, as JSON 1.0/1.1 and REST-JSON use them."""

import base64
import json

from .common import (
    InputError, check_known_members, format_timestamp, parse_timestamp, timestamp_format,
    wire_name,
)


def encode(shape, value, default_timestamp_format='unixTimestamp'):
    """A botocore-shaped value as a JSON-ready value (wire names, wire types)."""
    kind = shape.type_name
    if kind == 'structure':
        check_known_members(shape, value, shape.name)
        return {
            wire_name(member, name): encode(member, value[name], default_timestamp_format)
            for name, member in shape.members.items()
            if value.get(name) is not None
        }
    if kind == 'list':
        return [encode(shape.member, item, default_timestamp_format) for item in value]
    if kind == 'map':
        return {key: encode(shape.value, item, default_timestamp_format)
                for key, item in value.items()}
    if kind == 'timestamp':
        return format_timestamp(value, timestamp_format(shape, default_timestamp_format))
    if kind == 'blob':
        return base64.b64encode(value).decode('ascii')
    return value


def decode(shape, value, name):
    """A JSON value from a request as a botocore-shaped value; InputError if it does not fit."""
    kind = shape.type_name
    if kind == 'structure':
        _expect(isinstance(value, dict), name, value, 'an object')
        out = {}
        for member_name, member in shape.members.items():
            item = value.get(wire_name(member, member_name))
            if item is not None:
                path = f'{name}.{member_name}' if name else member_name
                out[member_name] = decode(member, item, path)
        return out
    if kind == 'list':
        _expect(isinstance(value, list), name, value, 'a list')
        return [decode(shape.member, item, f'{name}[{i}]') for i, item in enumerate(value)]
    if kind == 'map':
        _expect(isinstance(value, dict), name, value, 'an object')
        return {key: decode(shape.value, item, f'{name}.{key}') for key, item in value.items()}
    return _decode_scalar(shape, value, name)


def _decode_scalar(shape, value, name):
    kind = shape.type_name
    if kind in ('integer', 'long'):
        _expect(isinstance(value, int) and not isinstance(value, bool), name, value, 'an integer')
    elif kind in ('float', 'double'):
        _expect(isinstance(value, (int, float)) and not isinstance(value, bool), name, value,
                'a number')
    elif kind == 'boolean':
        _expect(isinstance(value, bool), name, value, 'a boolean')
    elif kind == 'timestamp':
        _expect(isinstance(value, (int, float, str)) and not isinstance(value, bool), name, value,
                'a timestamp')
        return parse_timestamp(name, value)
    elif kind == 'blob':
        _expect(isinstance(value, str), name, value, 'base64 text')
        try:
            return base64.b64decode(value, validate=True)
        except ValueError as exc:
            raise InputError(name, 'not base64') from exc
    else:
        _expect(isinstance(value, str), name, value, 'a string')
    return value


def _expect(ok, name, value, what):
    if not ok:
        raise InputError(name, f'{json.dumps(value)[:60]} is not {what}')


def load_body(body):
    """Parse a JSON request body (empty means {}); ValueError if it is not JSON."""
    if not body or not body.strip():
        return {}
    return json.loads(body.decode('utf-8'))


def dump(value):
    return json.dumps(value, separators=(',', ':')).encode('utf-8')
