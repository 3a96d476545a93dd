"""JSON 1.0 / 1.1 RPC (CloudWatch Logs, Secrets Manager, CloudWatch's JSON form).

The operation comes from `X-Amz-Target: <targetPrefix>.<Operation>`; the body
is the input structure keyed by wire names.
"""

from ..errors import AwsError
from ..wire import Response
from . import json_codec
from .common import MalformedBody, MissingMember, required_missing

CORAL_PREFIX = 'com.amazon.coral.service#'


class JsonRpcProtocol:
    name = 'json'

    def __init__(self, service, model, target_prefix=None, json_version=None,
                 query_compatible=False):
        self.service = service
        self.model = model
        self.target_prefix = target_prefix or model.metadata['targetPrefix']
        version = json_version or model.metadata.get('jsonVersion', '1.0')
        self.content_type = f'application/x-amz-json-{version}'
        # CloudWatch's JSON form answers errors with query codes in a header.
        self.query_compatible = query_compatible

    def operation_name(self, request):
        target = request.header('X-Amz-Target') or ''
        prefix, dot, operation = target.rpartition('.')
        if not dot or prefix != self.target_prefix or not operation:
            error = AwsError('UnknownOperationException', '', 400)
            error.framework = True
            raise error
        return operation

    def decode_input(self, request, operation):
        try:
            body = json_codec.load_body(request.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedBody(f'the body is not JSON ({exc})') from exc
        shape = operation.input_shape
        if shape is None:
            return {}
        params = json_codec.decode(shape, body, '')
        missing = required_missing(shape, params)
        if missing:
            raise MissingMember(missing)
        return params

    def encode_output(self, operation, result, request_id):
        shape = operation.output_shape
        body = json_codec.encode(shape, result) if shape is not None else {}
        return Response(200, json_codec.dump(body), self.content_type,
                        [('x-amzn-RequestId', request_id)])

    def encode_error(self, error, request_id):
        type_name = (CORAL_PREFIX + error.code) if error.framework else error.code
        body = {'__type': type_name, 'message': error.message}
        headers = [('x-amzn-RequestId', request_id)] + error.headers
        if self.query_compatible:
            fault = 'Sender' if error.sender_fault else 'Receiver'
            headers.append(('x-amzn-query-error', f'{error.code};{fault}'))
        return Response(error.status, json_codec.dump(body), self.content_type, headers)
