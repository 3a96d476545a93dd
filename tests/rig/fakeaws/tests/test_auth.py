#!/usr/bin/python3
"""Authentication as AWS judges it: each bad request gets the service's real
error, as botocore and the aws CLI report it; temporary credentials from
AssumeRole work and carry their role; the request log keeps no secrets."""

import contextlib
import datetime
import email.utils
import json
import os
import time
import unittest
import urllib.error
import urllib.request

import harness

harness.require(os.access(harness.AWS_CLI, os.X_OK), f'{harness.AWS_CLI} (Debian awscli)')

import botocore                                        # noqa: E402
import botocore.auth                                   # noqa: E402
from botocore.exceptions import ClientError            # noqa: E402

TEMP_KEY = 'ASIAFAKEAWSRIGTEMP01'
EXPIRED_KEY = 'ASIAFAKEAWSRIGEXPIRD'
PROD_LOG = harness.PROD_LOG
RIG = harness.SharedRig('rig.json')
setUpModule, tearDownModule = RIG.start, RIG.stop


def credential(access_key):
    return next(c for c in RIG.doc['credentials'] if c['access_key_id'] == access_key)


SIGNER_MODULES = [botocore.auth]
with contextlib.suppress(ImportError):          # Debian's botocore signs with awscrt when present
    import botocore.crt.auth
    SIGNER_MODULES.append(botocore.crt.auth)


@contextlib.contextmanager
def signing_clock(offset_seconds):
    """Make botocore (and its awscrt signer) sign as if its clock were off by offset_seconds."""
    real = datetime

    class ShiftedDatetime(real.datetime):
        @classmethod
        def utcnow(cls):
            return real.datetime.utcnow() + real.timedelta(seconds=offset_seconds)

    class ShiftedModule:
        datetime = ShiftedDatetime
        timedelta = real.timedelta
        timezone = real.timezone
    for module in SIGNER_MODULES:
        module.datetime = ShiftedModule
    try:
        yield
    finally:
        for module in SIGNER_MODULES:
            module.datetime = real


def tamper_body(client, old, new):
    """Change the body after signing (same length, so only the signature can tell)."""
    def before_send(request, **_):
        body = request.body if isinstance(request.body, bytes) else request.body.encode()
        assert old in body, body
        request.body = body.replace(old, new)
    client.meta.events.register('before-send', before_send)


class Refusals(unittest.TestCase):
    def refused(self, family, **client_args):
        with self.assertRaises(ClientError) as raised:
            RIG.cheap_call(family, retries=1, **client_args)
        response = raised.exception.response
        return (response['Error']['Code'], response['ResponseMetadata']['HTTPStatusCode'],
                response['Error'].get('Message', ''), response['ResponseMetadata']['HTTPHeaders'])

    def check(self, table, **client_args):
        for family, (code, status) in table.items():
            with self.subTest(family=family):
                got = self.refused(family, **client_args)
                self.assertEqual(got[:2], (code, status), got[2])

    def test_wrong_secret(self):
        self.check({'rds': ('SignatureDoesNotMatch', 403), 'sts': ('SignatureDoesNotMatch', 403),
                    'cloudwatch': ('SignatureDoesNotMatch', 403), 'ec2': ('AuthFailure', 401),
                    'logs': ('InvalidSignatureException', 400),
                    'secretsmanager': ('InvalidSignatureException', 400),
                    'guardduty': ('InvalidSignatureException', 403)},
                   secret_key='not-the-secret-key-0000000000000000000000')

    def test_unknown_access_key(self):
        self.check({'rds': ('InvalidClientTokenId', 403), 'ec2': ('AuthFailure', 401),
                    'logs': ('UnrecognizedClientException', 400),
                    'guardduty': ('UnrecognizedClientException', 403)},
                   access_key='AKIAUNKNOWNKEY000000')

    def test_stale_and_future_dates(self):
        for offset, words in ((-20 * 60, 'Signature expired'),
                              (20 * 60, 'Signature not yet current')):
            with signing_clock(offset):
                for family, code, status in (('rds', 'SignatureDoesNotMatch', 403),
                                             ('ec2', 'RequestExpired', 400),
                                             ('logs', 'InvalidSignatureException', 400),
                                             ('guardduty', 'InvalidSignatureException', 403)):
                    with self.subTest(family=family, offset=offset):
                        got = self.refused(family)
                        self.assertEqual(got[:2], (code, status))
                        if family != 'ec2':
                            self.assertIn(words, got[2])
                        server_date = email.utils.parsedate_to_datetime(got[3]['date'])
                        self.assertLess(abs(server_date.timestamp() - time.time()), 5)
        with signing_clock(-14 * 60):       # within the 15 minutes AWS allows
            self.assertEqual(RIG.client('sts').get_caller_identity()['Account'], '111122223333')

    def test_temporary_credentials_need_their_token(self):
        spec = credential(TEMP_KEY)
        secret = spec['secret_access_key']
        self.check({'rds': ('InvalidClientTokenId', 403),
                    'logs': ('UnrecognizedClientException', 400),
                    'guardduty': ('UnrecognizedClientException', 403)},
                   access_key=TEMP_KEY, secret_key=secret)
        self.check({'rds': ('InvalidClientTokenId', 403)}, access_key=TEMP_KEY,
                   secret_key=secret, token=spec['session_token'] + 'x')
        arn = RIG.client('sts', access_key=TEMP_KEY, secret_key=secret,
                         token=spec['session_token']).get_caller_identity()['Arn']
        self.assertEqual(arn, 'arn:aws:sts::111122223333:assumed-role/rdswatch-readonly/scenario')
        self.check({'rds': ('InvalidClientTokenId', 403)}, token=spec['session_token'])

    def test_expired_temporary_credentials(self):
        spec = credential(EXPIRED_KEY)
        self.check({'rds': ('ExpiredToken', 403), 'sts': ('ExpiredToken', 403),
                    'logs': ('ExpiredTokenException', 400),
                    'guardduty': ('ExpiredTokenException', 403),
                    'ec2': ('RequestExpired', 400)},
                   access_key=EXPIRED_KEY, secret_key=spec['secret_access_key'],
                   token=spec['session_token'])

    def test_tampered_body(self):
        client = RIG.client('rds', retries=1)
        tamper_body(client, b'MaxRecords=20', b'MaxRecords=21')
        with self.assertRaises(ClientError) as raised:
            client.describe_db_instances(MaxRecords=20)
        self.assertEqual(raised.exception.response['Error']['Code'], 'SignatureDoesNotMatch')
        client = RIG.client('logs', retries=1)
        tamper_body(client, b'"limit": 5', b'"limit": 6')
        with self.assertRaises(ClientError) as raised:
            client.filter_log_events(logGroupName=PROD_LOG, limit=5)
        self.assertEqual(raised.exception.response['Error']['Code'], 'InvalidSignatureException')

    def test_unsigned_requests(self):
        self.check({'rds': ('MissingAuthenticationToken', 403),
                    'ec2': ('MissingAuthenticationToken', 401),
                    'logs': ('MissingAuthenticationTokenException', 400),
                    'guardduty': ('MissingAuthenticationTokenException', 403)},
                   signature_version=botocore.UNSIGNED)

    def test_incomplete_signature(self):
        request = urllib.request.Request(
            RIG.endpoint + '/', data=b'Action=DescribeDBInstances&Version=2014-10-31',
            headers={'Content-Type': 'application/x-www-form-urlencoded',
                     'X-Amz-Date': time.strftime('%Y%m%dT%H%M%SZ', time.gmtime()),
                     'Authorization': 'AWS4-HMAC-SHA256 Credential=AKIAFAKEAWSRIG000001/'
                                      '20240101/us-east-1/rds/aws4_request'})
        with self.assertRaises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(request, timeout=10)
        body = raised.exception.read().decode()
        self.assertEqual(raised.exception.code, 400)
        self.assertIn('<Code>IncompleteSignature</Code>', body)
        self.assertIn("Authorization header requires 'Signature' parameter.", body)

    def test_region_outside_the_scenario(self):
        got = self.refused('rds', region='ap-south-2')
        self.assertEqual(got[:2], ('SignatureDoesNotMatch', 403))
        self.assertIn("Credential should be scoped to a valid region, not 'ap-south-2'", got[2])

    def test_presigned_urls(self):
        sts = RIG.client('sts')
        url = sts.generate_presigned_url('get_caller_identity', ExpiresIn=60, HttpMethod='GET')
        with urllib.request.urlopen(url, timeout=10) as response:
            self.assertIn(b'<Arn>arn:aws:iam::111122223333:user/rdswatch-ci</Arn>', response.read())
        tampered = url.replace('X-Amz-Signature=', 'X-Amz-Signature=0')[:-1]
        with self.assertRaises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(tampered, timeout=10)
        self.assertIn(b'<Code>SignatureDoesNotMatch</Code>', raised.exception.read())
        short = sts.generate_presigned_url('get_caller_identity', ExpiresIn=1, HttpMethod='GET')
        time.sleep(2.1)
        with self.assertRaises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(short, timeout=10)
        self.assertIn(b'Signature expired', raised.exception.read())

    def test_aws_cli_reports_the_errors(self):
        env = {'AWS_SECRET_ACCESS_KEY': 'not-the-secret-key-0000000000000000000000'}
        spec = credential(EXPIRED_KEY)
        expired = {'AWS_ACCESS_KEY_ID': EXPIRED_KEY,
                   'AWS_SECRET_ACCESS_KEY': spec['secret_access_key'],
                   'AWS_SESSION_TOKEN': spec['session_token']}
        results = harness.parallel([
            lambda: RIG.aws('rds', 'describe-db-instances', env=env, expect_ok=False),
            lambda: RIG.aws('logs', 'filter-log-events', '--log-group-name', PROD_LOG,
                            env=expired, expect_ok=False)])
        self.assertEqual(results[0][0], 254)
        self.assertIn('An error occurred (SignatureDoesNotMatch) when calling the '
                      'DescribeDBInstances operation', results[0][2])
        self.assertIn('An error occurred (ExpiredTokenException) when calling the '
                      'FilterLogEvents operation: The security token included in the request '
                      'is expired', results[1][2])


class Identities(unittest.TestCase):
    def test_assume_role_issues_working_temporary_credentials(self):
        sts = RIG.client('sts')
        issued = sts.assume_role(RoleArn='arn:aws:iam::111122223333:role/rdswatch-readonly',
                                 RoleSessionName='auth-test', DurationSeconds=900)['Credentials']
        self.assertRegex(issued['AccessKeyId'], r'^ASIA[A-Z2-7]{16}$')
        for char in '+/=':
            self.assertIn(char, issued['SessionToken'])
        remaining = issued['Expiration'] - datetime.datetime.now(datetime.timezone.utc)
        self.assertAlmostEqual(remaining.total_seconds(), 900, delta=5)
        rds = RIG.client('rds', access_key=issued['AccessKeyId'],
                         secret_key=issued['SecretAccessKey'], token=issued['SessionToken'])
        self.assertTrue(rds.describe_db_instances(MaxRecords=20)['DBInstances'])
        who = RIG.client('sts', access_key=issued['AccessKeyId'],
                         secret_key=issued['SecretAccessKey'],
                         token=issued['SessionToken']).get_caller_identity()
        self.assertEqual(who['Arn'],
                         'arn:aws:sts::111122223333:assumed-role/rdswatch-readonly/auth-test')
        without_token = RIG.client('rds', access_key=issued['AccessKeyId'],
                                   secret_key=issued['SecretAccessKey'], retries=1)
        with self.assertRaises(ClientError) as raised:
            without_token.describe_db_instances()
        self.assertEqual(raised.exception.response['Error']['Code'], 'InvalidClientTokenId')

    def test_assume_role_checks(self):
        sts = RIG.client('sts', retries=1)
        cases = [
            ({'RoleArn': 'arn:aws:iam::111122223333:role/rdswatch-external',
              'RoleSessionName': 'x1'}, 'AccessDenied'),
            ({'RoleArn': 'arn:aws:iam::111122223333:role/rdswatch-external',
              'RoleSessionName': 'x1', 'ExternalId': 'wrong'}, 'AccessDenied'),
            ({'RoleArn': 'arn:aws:iam::111122223333:role/rdswatch-readonly',
              'RoleSessionName': 'x1', 'DurationSeconds': 7200}, 'ValidationError'),
            ({'RoleArn': 'arn:aws:iam::111122223333:role/rdswatch-readonly',
              'RoleSessionName': 'bad name!'}, 'ValidationError'),
        ]
        for params, code in cases:
            with self.subTest(params=params):
                with self.assertRaises(ClientError) as raised:
                    sts.assume_role(**params)
                self.assertEqual(raised.exception.response['Error']['Code'], code)
        ok = sts.assume_role(RoleArn='arn:aws:iam::111122223333:role/rdswatch-external',
                             RoleSessionName='x1', ExternalId='rig-external-id')
        self.assertIn('AssumedRoleUser', ok)

    def test_cross_account_role_sees_the_other_account(self):
        issued = RIG.client('sts').assume_role(
            RoleArn='arn:aws:iam::444455556666:role/rdswatch-audit',
            RoleSessionName='audit')['Credentials']
        rds = RIG.client('rds', access_key=issued['AccessKeyId'],
                         secret_key=issued['SecretAccessKey'], token=issued['SessionToken'])
        names = [i['DBInstanceIdentifier'] for i in rds.describe_db_instances()['DBInstances']]
        self.assertEqual(names, ['other-account-db'])

    def test_regions_hold_their_own_data(self):
        rds = RIG.client('rds', region='eu-west-1')
        names = [i['DBInstanceIdentifier'] for i in rds.describe_db_instances()['DBInstances']]
        self.assertEqual(names, ['eu-db'])

    def test_denied_operations(self):
        spec = credential('AKIAFAKEAWSRIG000002')
        guardduty = RIG.client('guardduty', access_key=spec['access_key_id'],
                               secret_key=spec['secret_access_key'], retries=1)
        with self.assertRaises(ClientError) as raised:
            guardduty.list_detectors()
        error = raised.exception.response['Error']
        self.assertEqual(error['Code'], 'AccessDeniedException')
        self.assertIn('arn:aws:iam::111122223333:user/no-guardduty is not authorized to perform: '
                      'guardduty:ListDetectors', error['Message'])
        rds = RIG.client('rds', access_key=spec['access_key_id'],
                         secret_key=spec['secret_access_key'])
        self.assertTrue(rds.describe_db_instances()['DBInstances'])


class RequestLogKeepsNoSecrets(unittest.TestCase):
    def test_no_secret_in_the_request_log(self):
        RIG.client('secretsmanager').get_secret_value(SecretId='rds!db-rig-prod')
        issued = RIG.client('sts').assume_role(
            RoleArn='arn:aws:iam::111122223333:role/rdswatch-readonly',
            RoleSessionName='log-test')['Credentials']
        RIG.client('rds', access_key=issued['AccessKeyId'], secret_key=issued['SecretAccessKey'],
                   token=issued['SessionToken']).describe_db_instances()
        sso_token = RIG.doc['sso']['access_tokens'][0]['token']
        RIG.client('sso').get_role_credentials(roleName='DatabaseReadOnly',
                                               accountId='111122223333', accessToken=sso_token)
        log = json.dumps(RIG.control('GET', '/requests'))
        secrets = [c['secret_access_key'] for c in RIG.doc['credentials']]
        secrets += [c['session_token'] for c in RIG.doc['credentials'] if c.get('session_token')]
        secrets += [issued['SecretAccessKey'], issued['SessionToken'], sso_token,
                    'rig-current-password-0002', 'AWS4-HMAC-SHA256', 'Signature=']
        for secret in secrets:
            self.assertNotIn(secret, log)
        self.assertIn(issued['AccessKeyId'], log)        # key ids are not secrets
        self.assertIn('"accessToken": "<redacted>"', log)


if __name__ == '__main__':
    harness.main()
