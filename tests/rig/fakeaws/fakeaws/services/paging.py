"""Pagination and filter helpers in the styles AWS services use."""

import base64
import fnmatch

from ..errors import AwsError, validation_error

_TOKEN_PREFIX = 'fakeaws1:'


def encode_token(offset, scope=''):
    """An opaque continuation token for `offset` items into a listing."""
    raw = f'{_TOKEN_PREFIX}{scope}:{offset}'.encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip('=')


def decode_token(token, scope=''):
    """Offset encoded in a token; ValueError if the token is not one of ours."""
    try:
        padded = token + '=' * (-len(token) % 4)
        raw = base64.urlsafe_b64decode(padded.encode()).decode()
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(token) from exc
    prefix = f'{_TOKEN_PREFIX}{scope}:'
    if not raw.startswith(prefix) or not raw[len(prefix):].isdigit():
        raise ValueError(token)
    return int(raw[len(prefix):])


def page(items, offset, size):
    """(the page, offset of the next page or None)."""
    chunk = items[offset:offset + size]
    following = offset + size
    return chunk, (following if following < len(items) else None)


def token_page(items, token, size, scope, bad_token):
    """One page of items by NextToken; `bad_token` is raised for a foreign token."""
    offset = 0
    if token:
        try:
            offset = decode_token(token, scope)
        except ValueError:
            raise bad_token from None
    chunk, following = page(items, offset, size)
    return chunk, (encode_token(following, scope) if following is not None else None)


def rds_page(ctx, items, params, scope):
    """RDS's Marker/MaxRecords paging (MaxRecords 20..100, default 100)."""
    size = params.get('MaxRecords', 100)
    if not 20 <= size <= 100:
        raise validation_error(ctx.service, f'Invalid value {size} for MaxRecords. '
                                            'Must be between 20 and 100')
    bad = validation_error(ctx.service, f"Invalid marker: {params.get('Marker')}")
    return token_page(items, params.get('Marker'), size, scope, bad)


def apply_filters(ctx, items, filters, table):
    """Keep items matching every filter; `table` maps a filter name to a
    function returning the item's values for it. Values may use * and ?."""
    for spec in filters or []:
        name = spec.get('Name')
        getter = table.get(name)
        if getter is None:
            raise AwsError('InvalidParameterValue', f'Unrecognized filter name: {name}.', 400)
        wanted = spec.get('Values') or []
        items = [item for item in items if _matches(getter(item), wanted)]
    return items


def _matches(values, wanted):
    values = [str(v) for v in (values if isinstance(values, (list, tuple, set)) else [values])
              if v is not None]
    return any(fnmatch.fnmatchcase(v, pattern) for v in values for pattern in wanted)
