"""AWS errors: one exception type, and each service's real codes per situation.

Protocols turn an AwsError into the service's wire format; this module only
knows which code, HTTP status and message a real service uses.
"""


class AwsError(Exception):
    def __init__(self, code, message, status=400, headers=None):
        super().__init__(f'{code}: {message}')
        self.code = code
        self.message = message
        self.status = status
        self.headers = list(headers or [])
        # Raised by the request-handling framework rather than the service
        # (JSON services then prefix __type with the framework's namespace).
        self.framework = False

    @property
    def sender_fault(self):
        return self.status < 500


BAD_SIGNATURE = ('The request signature we calculated does not match the signature you '
                 'provided. Check your AWS Secret Access Key and signing method. Consult '
                 'the service documentation for details.')
INVALID_TOKEN = 'The security token included in the request is invalid.'
EXPIRED_TOKEN = 'The security token included in the request is expired'

# Situations every service must be able to answer, with the codes of the
# query family (RDS, STS, CloudWatch). Messages may hold {placeholders}.
QUERY_ERRORS = {
    'throttle': ('Throttling', 400, 'Rate exceeded'),
    'internal': ('InternalFailure', 500, 'The request processing has failed because of an '
                 'unknown error, exception or failure.'),
    'unavailable': ('ServiceUnavailable', 503, 'Service is unavailable.'),
    'unknown_operation': ('InvalidAction', 400,
                          'The action {operation} is not valid for this web service.'),
    'missing_auth': ('MissingAuthenticationToken', 403, 'Request is missing Authentication Token'),
    'incomplete_signature': ('IncompleteSignature', 400, '{detail}'),
    'invalid_key': ('InvalidClientTokenId', 403, INVALID_TOKEN),
    'bad_signature': ('SignatureDoesNotMatch', 403, BAD_SIGNATURE),
    'skew': ('SignatureDoesNotMatch', 403, '{detail}'),
    'expired_token': ('ExpiredToken', 403, EXPIRED_TOKEN),
    'access_denied': ('AccessDenied', 403,
                      'User: {principal} is not authorized to perform: {action}'),
    'validation': ('InvalidParameterValue', 400, '{detail}'),
    'missing_parameter': ('MissingParameter', 400,
                          'The request must contain the parameter {parameter}'),
    'malformed': ('MalformedQueryString', 400, '{detail}'),
}

EC2_ERRORS = dict(QUERY_ERRORS, **{
    'throttle': ('RequestLimitExceeded', 503, 'Request limit exceeded.'),
    'internal': ('InternalError', 500, 'An internal error has occurred'),
    'unavailable': ('Unavailable', 503, "The server is overloaded and can't handle the request."),
    'missing_auth': ('MissingAuthenticationToken', 401, 'The request must contain either a '
                     'valid (registered) AWS access key ID or X.509 certificate.'),
    'invalid_key': ('AuthFailure', 401,
                    'AWS was not able to validate the provided access credentials'),
    'bad_signature': ('AuthFailure', 401,
                      'AWS was not able to validate the provided access credentials'),
    'skew': ('RequestExpired', 400, 'Request has expired.'),
    'expired_token': ('RequestExpired', 400, 'Request has expired.'),
    'access_denied': ('UnauthorizedOperation', 403,
                      'You are not authorized to perform this operation.'),
})

JSON_ERRORS = {
    'throttle': ('ThrottlingException', 400, 'Rate exceeded'),
    'internal': ('InternalFailure', 500, 'An internal error occurred.'),
    'unavailable': ('ServiceUnavailableException', 503, 'Service is unavailable.'),
    'unknown_operation': ('UnknownOperationException', 400, ''),
    'missing_auth': ('MissingAuthenticationTokenException', 400, 'Missing Authentication Token'),
    'incomplete_signature': ('IncompleteSignatureException', 400, '{detail}'),
    'invalid_key': ('UnrecognizedClientException', 400, INVALID_TOKEN),
    'bad_signature': ('InvalidSignatureException', 400, BAD_SIGNATURE),
    'skew': ('InvalidSignatureException', 400, '{detail}'),
    'expired_token': ('ExpiredTokenException', 400, EXPIRED_TOKEN),
    'access_denied': ('AccessDeniedException', 400,
                      'User: {principal} is not authorized to perform: {action}'),
    'validation': ('InvalidParameterException', 400, '{detail}'),
    'missing_parameter': ('ValidationException', 400, '1 validation error detected: Value null '
                          "at '{parameter}' failed to satisfy constraint: Member must not be null"),
    'malformed': ('SerializationException', 400, '{detail}'),
}

# REST services behind AWS's API front end answer auth problems with 403.
REST_ERRORS = dict(JSON_ERRORS, **{
    kind: (code, 403, message) for kind, (code, _, message) in JSON_ERRORS.items()
    if kind in ('missing_auth', 'incomplete_signature', 'invalid_key', 'bad_signature', 'skew',
                'expired_token', 'access_denied')
}, **{
    'throttle': ('TooManyRequestsException', 429, 'Rate exceeded'),
    'internal': ('InternalServerErrorException', 500,
                 'The request failed due to an internal error.'),
    'unknown_operation': ('UnknownOperationException', 404, 'Unknown operation {operation}'),
    'validation': ('BadRequestException', 400, '{detail}'),
    'missing_parameter': ('BadRequestException', 400,
                          'The request is rejected because the input {parameter} is missing.'),
    'malformed': ('BadRequestException', 400,
                  'The request is rejected because the JSON could not be processed.'),
})

ERROR_TABLES = {
    'rds': QUERY_ERRORS,
    'sts': dict(QUERY_ERRORS, validation=('ValidationError', 400, '{detail}')),
    'cloudwatch': QUERY_ERRORS,
    'ec2': EC2_ERRORS,
    'logs': dict(JSON_ERRORS, unavailable=('ServiceUnavailableException', 503,
                                           'The service cannot complete the request.')),
    'secretsmanager': dict(JSON_ERRORS, internal=('InternalServiceError', 500,
                                                  'An error occurred on the server side.')),
    'guardduty': REST_ERRORS,
    'sso': dict(REST_ERRORS, internal=('InternalServerException', 500, 'Internal server error'),
                validation=('InvalidRequestException', 400, '{detail}'),
                missing_auth=('UnauthorizedException', 401, 'Session token not found or invalid')),
}


FRAMEWORK_KINDS = frozenset({
    'unknown_operation', 'missing_auth', 'incomplete_signature', 'invalid_key', 'bad_signature',
    'skew', 'expired_token', 'malformed', 'missing_parameter',
})


class _Blank(dict):
    def __missing__(self, key):
        return ''


def service_error(service, kind, message=None, **fields):
    """The AwsError a real `service` answers in situation `kind` (its usual
    message filled from `fields`, unless `message` is given)."""
    code, status, template = ERROR_TABLES[service][kind]
    error = AwsError(code, message if message is not None else template.format_map(_Blank(fields)),
                     status)
    error.framework = kind in FRAMEWORK_KINDS
    return error


def validation_error(service, detail):
    return service_error(service, 'validation', detail=detail)


def model_error(model, shape_name, message):
    """The AwsError for an error shape of a service model (code and status from the model)."""
    spec = model.shape_for(shape_name).metadata.get('error', {})
    return AwsError(spec.get('code', shape_name), message, spec.get('httpStatusCode', 400))
