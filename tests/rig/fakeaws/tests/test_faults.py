#!/usr/bin/python3
"""Injected faults look to botocore and the aws CLI exactly like a real
service's: throttling with each service's code and status (standard retry
mode makes 3 attempts, the counter shows 3), 5xx, a hang past the client's
timeout, a reset connection, a truncated or malformed body, a wrong
Content-Type, expired tokens, a wrong server clock."""

import email.utils
import json
import os
import shutil
import tempfile
import time
import unittest

import harness

harness.require(os.access(harness.AWS_CLI, os.X_OK), f'{harness.AWS_CLI} (Debian awscli)')

from botocore.exceptions import (                                   # noqa: E402
    ClientError, ConnectionClosedError, ReadTimeoutError,
)
from botocore.parsers import ResponseParserError                    # noqa: E402

PROD_LOG = harness.PROD_LOG
RIG = harness.SharedRig('rig.json')
setUpModule, tearDownModule = RIG.start, RIG.stop


def call(service_key, **client_args):
    return RIG.cheap_call(service_key, **client_args)


def failure(service_key, **client_args):
    """(error code, HTTP status, attempts) of a call expected to fail with a ClientError."""
    try:
        call(service_key, **client_args)
    except ClientError as exc:
        metadata = exc.response['ResponseMetadata']
        return (exc.response['Error']['Code'], metadata['HTTPStatusCode'],
                metadata['RetryAttempts'] + 1)
    raise AssertionError(f'{service_key}: the call succeeded')


class ServiceErrors(unittest.TestCase):
    def setUp(self):
        RIG.reset()

    def test_throttling_is_retried_three_times_everywhere(self):
        expected = {'rds': ('Throttling', 400), 'cloudwatch': ('Throttling', 400),
                    'sts': ('Throttling', 400), 'ec2': ('RequestLimitExceeded', 503),
                    'logs': ('ThrottlingException', 400),
                    'secretsmanager': ('ThrottlingException', 400),
                    'guardduty': ('TooManyRequestsException', 429)}
        for service in expected:
            RIG.fault(service=service, operation=harness.CHEAP_CALLS[service][3],
                      kind='throttle')
        results = harness.parallel([lambda s=s: failure(s) for s in expected], workers=8)
        for (service, (code, status)), got in zip(expected.items(), results):
            with self.subTest(service=service):
                self.assertEqual(got, (code, status, 3))
                self.assertEqual(RIG.count(service, harness.CHEAP_CALLS[service][3]), 3)

    def test_fault_for_the_first_requests_only(self):
        RIG.fault(service='rds', operation='DescribeDBInstances', kind='throttle', count=2)
        response = call('rds')
        self.assertEqual(response['ResponseMetadata']['RetryAttempts'], 2)
        self.assertEqual(RIG.count('rds', 'DescribeDBInstances'), 3)
        self.assertEqual(RIG.control('GET', '/faults')['faults'][0]['remaining'], 0)

    def test_server_errors(self):
        cases = [('rds', 'internal', ('InternalFailure', 500, 3)),
                 ('ec2', 'unavailable', ('Unavailable', 503, 3)),
                 ('logs', 'unavailable', ('ServiceUnavailableException', 503, 3)),
                 ('guardduty', 'internal', ('InternalServerErrorException', 500, 3)),
                 ('secretsmanager', 'internal', ('InternalServiceError', 500, 3))]
        for service, kind, _ in cases:
            RIG.fault(service=service, kind=kind)
        results = harness.parallel([lambda c=c: failure(c[0]) for c in cases], workers=8)
        for (service, kind, expected), got in zip(cases, results):
            with self.subTest(service=service, kind=kind):
                self.assertEqual(got, expected)

    def test_expired_token_and_custom_errors(self):
        RIG.fault(service='rds', kind='expired_token', count=1)
        self.assertEqual(failure('rds', retries=1), ('ExpiredToken', 403, 1))
        RIG.fault(service='logs', kind='expired_token', count=1)
        self.assertEqual(failure('logs', retries=1), ('ExpiredTokenException', 400, 1))
        RIG.fault(service='sts', kind='error', code='RegionDisabledException', status=403,
                  message='STS is not activated in this region', count=1)
        self.assertEqual(failure('sts', retries=1), ('RegionDisabledException', 403, 1))

    def test_fault_waits_for_its_time(self):
        RIG.fault(service='rds', kind='throttle', at=3600)
        self.assertEqual(call('rds')['ResponseMetadata']['RetryAttempts'], 0)

    def test_aws_cli_makes_three_attempts(self):
        RIG.fault(service='rds', operation='DescribeDBInstances', kind='throttle')
        code, _, stderr = RIG.aws('rds', 'describe-db-instances', expect_ok=False)
        self.assertNotEqual(code, 0)
        self.assertIn('An error occurred (Throttling) when calling the DescribeDBInstances '
                      'operation (reached max retries: 2): Rate exceeded', stderr)
        self.assertEqual(RIG.count('rds', 'DescribeDBInstances'), 3)


class TransportFaults(unittest.TestCase):
    def setUp(self):
        RIG.reset()

    def test_hang_past_the_client_timeout(self):
        RIG.fault(service='sts', kind='hang', seconds=3, count=1)
        started = time.monotonic()
        with self.assertRaises(ReadTimeoutError):
            call('sts', retries=1, read_timeout=1)
        self.assertLess(time.monotonic() - started, 2.5)
        RIG.fault(service='sts', kind='delay', seconds=0.5, count=1)
        self.assertEqual(call('sts', retries=1, read_timeout=5)['Account'], '111122223333')

    def test_connection_reset(self):
        RIG.fault(service='rds', kind='reset')
        with self.assertRaises(ConnectionClosedError):
            call('rds', retries=3)
        self.assertEqual(RIG.count('rds', 'DescribeDBInstances'), 3)

    def test_truncated_body(self):
        RIG.fault(service='sts', kind='truncate', count=1)
        with self.assertRaises((ConnectionClosedError, ResponseParserError)):
            call('sts', retries=1)

    def test_malformed_bodies(self):
        RIG.fault(service='rds', kind='malformed', count=1)
        with self.assertRaises(ResponseParserError):
            call('rds', retries=1)
        RIG.fault(service='logs', kind='malformed', count=1)
        client = RIG.client('logs', retries=1)
        with harness.response_capture().capture() as responses:
            result = client.filter_log_events(logGroupName=PROD_LOG, limit=1)
        with self.assertRaises(ValueError):
            json.loads(responses[-1]['body'])
        self.assertNotIn('events', result)      # botocore makes nothing of broken JSON

    def test_wrong_content_type(self):
        RIG.fault(service='ec2', kind='content_type', count=1)
        client = RIG.client('ec2', retries=1)
        with harness.response_capture().capture() as responses:
            with self.assertRaises(ResponseParserError):
                client.describe_security_groups()
        self.assertEqual(responses[-1]['headers']['content-type'], 'text/html; charset=utf-8')
        self.assertEqual(responses[-1]['status_code'], 200)


class ClockOffset(unittest.TestCase):
    def tearDown(self):
        RIG.control('POST', '/clock', {'offset': 0})

    def test_server_clock_offset(self):
        RIG.control('POST', '/clock', {'offset': 3600})
        for service, code in (('rds', 'SignatureDoesNotMatch'),
                              ('logs', 'InvalidSignatureException')):
            with self.subTest(service=service):
                try:
                    call(service, retries=1)
                except ClientError as exc:
                    error = exc.response['Error']
                    date = exc.response['ResponseMetadata']['HTTPHeaders']['date']
                else:
                    self.fail('the call succeeded')
                self.assertEqual(error['Code'], code)
                self.assertIn('Signature expired', error['Message'])   # the server is ahead
                skew = email.utils.parsedate_to_datetime(date).timestamp() - time.time()
                self.assertAlmostEqual(skew, 3600, delta=5)
        RIG.control('POST', '/clock', {'offset': 0})
        self.assertEqual(call('sts')['Account'], '111122223333')


class ScenarioFaults(unittest.TestCase):
    """Faults can also come from the scenario file, with offsets."""

    def test_faults_from_the_scenario(self):
        folder = tempfile.mkdtemp(prefix='fakeaws-faults.')
        try:
            with open(harness.scenario('rig.json'), encoding='utf-8') as f:
                doc = json.load(f)
            doc['faults'] = [{'service': 'guardduty', 'operation': 'ListDetectors',
                              'kind': 'throttle', 'count': 1},
                             {'service': 'rds', 'kind': 'unavailable', 'at': 7200}]
            path = os.path.join(folder, 'faults.json')
            with open(path, 'w', encoding='utf-8') as f:
                json.dump(doc, f)
            with harness.Rig(path) as rig:
                client = rig.client('guardduty')
                response = client.list_detectors()
                self.assertEqual(response['ResponseMetadata']['RetryAttempts'], 1)
                self.assertEqual(rig.count('guardduty', 'ListDetectors'), 2)
                self.assertEqual(len(rig.client('rds').describe_db_instances()['DBInstances']), 48)
        finally:
            shutil.rmtree(folder)


if __name__ == '__main__':
    harness.main()
