"""The AWS endpoint: route a request to its service, authenticate, inject
faults, run the operation and answer in the service's protocol.

Routing follows AWS: the service is the one named in the SigV4 credential
scope (so one URL serves all), CloudWatch's JSON form is told apart by its
X-Amz-Target, and the SSO portal (no SigV4) by its /federation/ path.
"""

import logging
import traceback

from . import auth
from .errors import AwsError, service_error
from .faults import TRANSPORT_KINDS, apply_transport
from .models import service_model
from .protocols.common import InputError, MalformedBody, MissingMember
from .protocols.json_rpc import JsonRpcProtocol
from .protocols.query import Ec2Protocol, QueryProtocol
from .protocols.rest_json import RestJsonProtocol
from .services import Context, all_services

logger = logging.getLogger('fakeaws')

CLOUDWATCH_JSON_TARGET = 'GraniteServiceVersion20100801'
# How a request names its service when it carries no usable signature.
TARGET_SERVICES = {'Logs_20140328': 'logs', 'secretsmanager': 'secretsmanager',
                   CLOUDWATCH_JSON_TARGET: 'monitoring'}
VERSION_SERVICES = {'2014-10-31': 'rds', '2011-06-15': 'sts', '2010-08-01': 'monitoring',
                    '2016-11-15': 'ec2'}


def _protocol(spec, model):
    if spec.protocol == 'query':
        return QueryProtocol(spec.key, model)
    if spec.protocol == 'ec2':
        return Ec2Protocol(spec.key, model)
    if spec.protocol == 'json':
        return JsonRpcProtocol(spec.key, model)
    return RestJsonProtocol(spec.key, model)


class Route:
    """A request's service and protocol, with its parsed signature (if any)."""

    def __init__(self, spec, protocol, signature=None, problem=None):
        self.spec = spec
        self.protocol = protocol
        self.signature = signature
        self.problem = problem


class Gateway:
    def __init__(self, world, faults, log):
        self.world = world
        self.faults = faults
        self.log = log
        self.services = {}
        for spec in all_services():
            protocol = _protocol(spec, service_model(spec.model_name))
            self.services[spec.signing_name] = (spec, protocol)
        self.cloudwatch_json = JsonRpcProtocol(
            'cloudwatch', service_model('cloudwatch'), target_prefix=CLOUDWATCH_JSON_TARGET,
            json_version='1.0', query_compatible=True)

    # ------------------------------------------------------------ routing

    def route(self, request):
        if request.path.startswith('/federation/'):
            spec, protocol = self.services['awsssoportal']
            return Route(spec, protocol)
        signature, problem = None, None
        try:
            signature = auth.parse(request)
        except auth.AuthProblem as exc:
            problem = exc
        name = signature.service if signature else self._infer_service(request)
        if name not in self.services:
            return None
        spec, protocol = self.services[name]
        if name == 'monitoring' and request.header('X-Amz-Target'):
            protocol = self.cloudwatch_json
        return Route(spec, protocol, signature, problem)

    def _infer_service(self, request):
        target = (request.header('X-Amz-Target') or '').split('.', 1)[0]
        if target in TARGET_SERVICES:
            return TARGET_SERVICES[target]
        if request.path.startswith('/detector'):
            return 'guardduty'
        try:
            version = self.services['rds'][1].form(request).get('Version')
        except AwsError:
            return None
        return VERSION_SERVICES.get(version)

    # ------------------------------------------------------------ handling

    def handle(self, request):
        route = self.route(request)
        if route is None:
            return self._unknown_service(request)
        entry = None
        try:
            operation = route.protocol.operation_name(request)
            entry = self.log.start(route.spec.key, operation, request.method, request.path,
                                   request.client)
            response = self._serve(route, operation, request, entry)
        except Exception as exc:    # every failure becomes an AWS-shaped answer
            response = route.protocol.encode_error(self._as_aws_error(route.spec.key, exc),
                                                   request.request_id)
        rule = request.fault
        if rule is not None and rule.kind in TRANSPORT_KINDS:
            response = apply_transport(rule, response)
        if entry is None:
            entry = self.log.start(route.spec.key, '?', request.method, request.path,
                                   request.client)
        self.log.update(entry, status=response.status, error=self._error_code(route, response))
        return response

    def _serve(self, route, operation, request, entry):
        spec = route.spec
        credential, region = self._authenticate(route, request)
        self.log.update(entry, access_key_id=credential.access_key_id if credential else None,
                        region=region)
        rule = request.fault = self.faults.take(spec.key, operation,
                                                self.world.clock.now_seconds())
        if rule is not None:
            self.log.update(entry, fault=rule.kind)
            if rule.kind not in TRANSPORT_KINDS:
                raise rule.error(spec.key)
        handler = spec.operations.get(operation)
        model = route.protocol.model
        if handler is None or operation not in model.operation_names:
            raise service_error(spec.key, 'unknown_operation', operation=operation)
        operation_model = model.operation_model(operation)
        params = route.protocol.decode_input(request, operation_model)
        self.log.update(entry, params=params)
        if credential is not None and credential.denies(spec.key, operation):
            action = f'{spec.key}:{operation}'
            raise service_error(spec.key, 'access_denied',
                                principal=credential.arn,
                                action=f'{action} because no identity-based policy allows '
                                       f'the {action} action')
        ctx = Context(self.world, spec.key, operation, credential, region, request.request_id)
        result = handler(ctx, params)
        return route.protocol.encode_output(operation_model, result, request.request_id)

    def _authenticate(self, route, request):
        """(credential, region) for a signed request; AuthProblem if refused."""
        if route.spec.key == 'sso':
            return None, None
        if route.problem is not None:
            raise route.problem
        if route.signature is None:
            raise auth.AuthProblem('missing_auth')
        credential = auth.verify(request, route.signature, self.world.credentials,
                                 self.world.regions, self.world.clock.server_epoch())
        return credential, route.signature.region

    def _as_aws_error(self, service, exc):
        if isinstance(exc, AwsError):
            return exc
        if isinstance(exc, auth.AuthProblem):
            return service_error(service, exc.kind, message=exc.message)
        if isinstance(exc, MissingMember):
            return service_error(service, 'missing_parameter', parameter=exc.name)
        if isinstance(exc, MalformedBody):
            return service_error(service, 'malformed', detail=str(exc))
        if isinstance(exc, InputError):
            return service_error(service, 'validation', detail=str(exc))
        logger.error('internal error in %s: %s', service, traceback.format_exc())
        return service_error(service, 'internal')

    @staticmethod
    def _error_code(route, response):
        if response.status < 300:
            return None
        header = response.header('x-amzn-ErrorType') or response.header('x-amzn-query-error')
        if header:
            return header.split(':')[0].split(';')[0]
        return _xml_or_json_code(response.body)

    def _unknown_service(self, request):
        protocol = self.services['rds'][1]
        entry = self.log.start('unknown', '?', request.method, request.path, request.client)
        error = AwsError('UnrecognizedService', 'fakeaws cannot tell which AWS service this '
                                                'request is for (no SigV4 credential scope, '
                                                'X-Amz-Target or Action/Version).', 400)
        response = protocol.encode_error(error, request.request_id)
        self.log.update(entry, status=response.status, error=error.code)
        return response


def _xml_or_json_code(body):
    text = body.decode('utf-8', errors='replace')
    start = text.find('<Code>')
    if start >= 0:
        return text[start + 6:text.find('</Code>', start)]
    marker = '"__type":"'
    start = text.find(marker)
    if start >= 0:
        return text[start + len(marker):text.find('"', start + len(marker))].split('#')[-1]
    return None
