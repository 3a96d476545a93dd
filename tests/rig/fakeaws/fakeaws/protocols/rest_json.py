"""REST-JSON (GuardDuty, the SSO portal).

Operations are found by method and path, matched against each operation's
requestUri in the model; inputs come from path labels, query string, headers
and a JSON body keyed by wire names (camelCase for GuardDuty).
"""

import re
from urllib.parse import unquote

from ..errors import AwsError
from ..wire import Response
from . import json_codec
from .common import (
    MalformedBody, MissingMember, required_missing, scalar_from_text, scalar_to_text, wire_name,
)

CONTENT_TYPE = 'application/json'
# Framework errors name the Coral service after the code; clients cut at ':'.
CORAL_SUFFIX = ':http://internal.amazon.com/coral/com.amazon.coral.service/'


def _uri_pattern(request_uri):
    """A regex for a requestUri template such as /detector/{detectorId}/findings."""
    path = request_uri.split('?', 1)[0]
    regex = ''
    for literal, label in re.findall(r'([^{]*)(?:\{([^}]*)\})?', path):
        regex += re.escape(literal)
        if label:
            greedy = label.endswith('+')
            name = label.rstrip('+')
            regex += f'(?P<{name}>.+)' if greedy else f'(?P<{name}>[^/]+)'
    return re.compile(regex + '/?$')


class RestJsonProtocol:
    name = 'rest-json'
    content_type = CONTENT_TYPE

    def __init__(self, service, model):
        self.service = service
        self.model = model
        self.routes = []
        for name in model.operation_names:
            http = model.operation_model(name).http
            self.routes.append((http.get('method', 'POST'), _uri_pattern(http['requestUri']), name))

    def match(self, request):
        """(operation name, path labels) for the request's method and path, or None."""
        for method, pattern, name in self.routes:
            found = pattern.match(request.path)
            if found and method == request.method:
                return name, {k: unquote(v) for k, v in found.groupdict().items()}
        return None

    def operation_name(self, request):
        matched = self.match(request)
        if matched is None:
            error = AwsError('UnknownOperationException',
                             f'Unknown operation {request.method} {request.path}',
                             404 if self.service != 'sso' else 400)
            error.framework = True
            raise error
        request.path_labels = matched[1]
        return matched[0]

    def decode_input(self, request, operation):
        shape = operation.input_shape
        if shape is None:
            return {}
        params = self._decode_body(request, shape)
        query = request.query_params()
        labels = request.path_labels
        for name, member in shape.members.items():
            location = member.serialization.get('location')
            key = wire_name(member, name)
            raw = {'uri': labels.get(key), 'querystring': query.get(key),
                   'header': request.header(key)}.get(location)
            if raw is not None:
                params[name] = scalar_from_text(member, key, raw)
        missing = required_missing(shape, params)
        if missing:
            raise MissingMember(missing)
        return params

    def _decode_body(self, request, shape):
        body_members = {n for n, m in shape.members.items()
                        if not m.serialization.get('location')}
        if not body_members:
            return {}
        try:
            body = json_codec.load_body(request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedBody(f'the body is not JSON ({exc})') from exc
        params = json_codec.decode(shape, body, '')
        return {name: value for name, value in params.items() if name in body_members}

    def encode_output(self, operation, result, request_id):
        headers = [('x-amzn-RequestId', request_id)]
        shape = operation.output_shape
        body = {}
        if shape is not None:
            located = {}
            for name, member in shape.members.items():
                located_in_header = member.serialization.get('location') == 'header'
                if located_in_header and result.get(name) is not None:
                    headers.append((wire_name(member, name),
                                    scalar_to_text(member, result[name], 'rfc822')))
                    located[name] = True
            body = json_codec.encode(shape, {k: v for k, v in result.items() if k not in located})
        return Response(200, json_codec.dump(body), self.content_type, headers)

    def encode_error(self, error, request_id):
        error_type = error.code + (CORAL_SUFFIX if error.framework else '')
        headers = [('x-amzn-RequestId', request_id), ('x-amzn-ErrorType', error_type)]
        body = {'message': error.message, '__type': error.code}
        return Response(error.status, json_codec.dump(body), self.content_type,
                        headers + error.headers)
