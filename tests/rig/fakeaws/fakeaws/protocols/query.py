"""The query protocol (RDS, STS, CloudWatch) and its EC2 dialect.

Requests are form parameters named as botocore's QuerySerializer and
EC2Serializer write them; responses are XML as botocore's QueryParser and
EC2QueryParser read them. Both directions are driven by the service model.
"""

import xml.etree.ElementTree as ET

from ..errors import AwsError
from ..wire import Response, parse_form
from .common import (
    MissingMember, check_known_members, required_missing, scalar_from_text,
    scalar_to_text, wire_name,
)


class QueryDecoder:
    """Rebuild botocore-shaped input from flat query parameters."""

    def __init__(self, ec2=False):
        self.ec2 = ec2

    def decode(self, shape, params):
        if shape is None:
            return {}
        return self._structure(shape, params, '') or {}

    def _serialized_name(self, shape, default):
        if not self.ec2:
            return shape.serialization.get('name', default)
        if 'queryName' in shape.serialization:
            return shape.serialization['queryName']
        if 'name' in shape.serialization:
            name = shape.serialization['name']
            return name[0].upper() + name[1:]
        return default

    def _value(self, shape, params, key):
        kind = shape.type_name
        if kind == 'structure':
            return self._structure(shape, params, key)
        if kind == 'list':
            return self._list(shape, params, key)
        if kind == 'map':
            return self._map(shape, params, key)
        if key in params:
            return scalar_from_text(shape, key, params[key])
        return None

    def _structure(self, shape, params, prefix):
        out = {}
        for name, member in shape.members.items():
            key = self._serialized_name(member, name)
            if prefix:
                key = f'{prefix}.{key}'
            value = self._value(member, params, key)
            if value is not None:
                out[name] = value
        return out or None

    def _list_prefix(self, shape, prefix):
        if self.ec2:
            return prefix
        if shape.serialization.get('flattened'):
            if shape.member.serialization.get('name'):
                name = self._serialized_name(shape.member, '')
                return '.'.join(prefix.split('.')[:-1] + [name])
            return prefix
        return f"{prefix}.{shape.member.serialization.get('name', 'member')}"

    def _list(self, shape, params, prefix):
        if params.get(prefix) == '':
            return []
        list_prefix = self._list_prefix(shape, prefix)
        items = []
        for index in _indices(params, list_prefix):
            value = self._value(shape.member, params, f'{list_prefix}.{index}')
            if value is not None:
                items.append(value)
        return items or None

    def _map(self, shape, params, prefix):
        entry = prefix if shape.serialization.get('flattened') else f'{prefix}.entry'
        key_name = self._serialized_name(shape.key, 'key')
        value_name = self._serialized_name(shape.value, 'value')
        out = {}
        for index in _indices(params, entry):
            key = self._value(shape.key, params, f'{entry}.{index}.{key_name}')
            if key is not None:
                out[key] = self._value(shape.value, params, f'{entry}.{index}.{value_name}')
        return out or None


def _indices(params, prefix):
    """Sorted list indices N present as `prefix.N` or `prefix.N.rest`."""
    start = prefix + '.'
    found = set()
    for key in params:
        if key.startswith(start):
            head = key[len(start):].split('.', 1)[0]
            if head.isdigit():
                found.add(int(head))
    return sorted(found)


class XmlEncoder:
    """Write botocore-shaped values as the XML AWS query services send."""

    def __init__(self, timestamp_format='iso8601'):
        self.timestamp_format = timestamp_format

    def members(self, parent, shape, value):
        check_known_members(shape, value, parent.tag)
        for name, member in shape.members.items():
            item = value.get(name)
            if item is None:
                continue
            if member.serialization.get('xmlAttribute'):
                text = scalar_to_text(member, item, self.timestamp_format)
                parent.set(wire_name(member, name), text)
                continue
            self.element(parent, wire_name(member, name), member, item)

    def element(self, parent, name, shape, value):
        kind = shape.type_name
        if kind == 'structure':
            self.members(ET.SubElement(parent, name), shape, value)
        elif kind == 'list':
            self._list(parent, name, shape, value)
        elif kind == 'map':
            self._map(parent, name, shape, value)
        else:
            ET.SubElement(parent, name).text = scalar_to_text(shape, value, self.timestamp_format)

    def _list(self, parent, name, shape, items):
        if shape.serialization.get('flattened'):
            item_name = shape.member.serialization.get('name', name)
            container = parent
        else:
            item_name = shape.member.serialization.get('name', 'member')
            container = ET.SubElement(parent, name)
        for item in items:
            self.element(container, item_name, shape.member, item)

    def _map(self, parent, name, shape, mapping):
        flattened = shape.serialization.get('flattened')
        container = parent if flattened else ET.SubElement(parent, name)
        key_name = shape.key.serialization.get('name', 'key')
        value_name = shape.value.serialization.get('name', 'value')
        for key, item in mapping.items():
            entry = ET.SubElement(container, name if flattened else 'entry')
            self.element(entry, key_name, shape.key, key)
            self.element(entry, value_name, shape.value, item)


def xml_bytes(root, declaration=False):
    text = ET.tostring(root, encoding='unicode')
    if declaration:
        text = '<?xml version="1.0" encoding="UTF-8"?>\n' + text
    return text.encode('utf-8')


class QueryProtocol:
    """Form-encoded requests, XML responses (RDS, STS, CloudWatch)."""

    name = 'query'
    content_type = 'text/xml'

    def __init__(self, service, model, ec2=False):
        self.service = service
        self.model = model
        self.namespace = model.metadata.get('xmlNamespace', '')
        self.decoder = QueryDecoder(ec2=ec2)
        self.encoder = XmlEncoder()

    def form(self, request):
        """The request's parameters (body for POST, query string otherwise)."""
        if request.form is None:
            text = request.query_string
            if request.method == 'POST' and request.body:
                try:
                    text = request.body.decode('utf-8')
                except UnicodeDecodeError as exc:
                    raise AwsError('MalformedQueryString', 'The body is not UTF-8.', 400) from exc
            try:
                request.form = dict(parse_form(text))
            except ValueError as exc:
                raise AwsError('MalformedQueryString', f'Malformed query string: {exc}',
                               400) from exc
        return request.form

    def operation_name(self, request):
        form = self.form(request)
        action = form.get('Action')
        if not action:
            raise AwsError('MissingAction', 'Missing Action', 400)
        version = form.get('Version')
        expected = self.model.metadata['apiVersion']
        if version is None:
            raise AwsError('MissingParameter', 'The request must contain the parameter Version',
                           400)
        if version != expected:
            raise AwsError('NoSuchVersion',
                           f'The requested version ({version}) of service {self.service} '
                           f'does not exist.', 400)
        return action

    def decode_input(self, request, operation):
        shape = operation.input_shape
        params = self.decoder.decode(shape, self.form(request))
        missing = required_missing(shape, params) if shape is not None else None
        if missing:
            raise MissingMember(missing)
        return params

    def encode_output(self, operation, result, request_id):
        root = ET.Element(f'{operation.name}Response', xmlns=self.namespace)
        shape = operation.output_shape
        if shape is not None:
            wrapper = shape.serialization.get('resultWrapper')
            container = ET.SubElement(root, wrapper) if wrapper else root
            self.encoder.members(container, shape, result)
        metadata = ET.SubElement(root, 'ResponseMetadata')
        ET.SubElement(metadata, 'RequestId').text = request_id
        return Response(200, xml_bytes(root), self.content_type)

    def encode_error(self, error, request_id):
        root = ET.Element('ErrorResponse', xmlns=self.namespace)
        detail = ET.SubElement(root, 'Error')
        ET.SubElement(detail, 'Type').text = 'Sender' if error.sender_fault else 'Receiver'
        ET.SubElement(detail, 'Code').text = error.code
        ET.SubElement(detail, 'Message').text = error.message
        ET.SubElement(root, 'RequestId').text = request_id
        return Response(error.status, xml_bytes(root), self.content_type, error.headers)


class Ec2Protocol(QueryProtocol):
    """EC2's dialect: capitalised locationNames, item lists, no result wrapper."""

    name = 'ec2'
    content_type = 'text/xml;charset=UTF-8'

    def __init__(self, service, model):
        super().__init__(service, model, ec2=True)
        # Real responses carry the trailing slash the model's namespace lacks.
        self.namespace = self.namespace.rstrip('/') + '/'

    def encode_output(self, operation, result, request_id):
        root = ET.Element(f'{operation.name}Response', xmlns=self.namespace)
        ET.SubElement(root, 'requestId').text = request_id
        if operation.output_shape is not None:
            self.encoder.members(root, operation.output_shape, result)
        return Response(200, xml_bytes(root, declaration=True), self.content_type)

    def encode_error(self, error, request_id):
        root = ET.Element('Response')
        errors = ET.SubElement(root, 'Errors')
        detail = ET.SubElement(errors, 'Error')
        ET.SubElement(detail, 'Code').text = error.code
        ET.SubElement(detail, 'Message').text = error.message
        ET.SubElement(root, 'RequestID').text = request_id
        return Response(error.status, xml_bytes(root, declaration=True), self.content_type,
                        error.headers)
