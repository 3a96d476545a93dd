#!/usr/bin/python3
"""Where credentials come from: IMDSv2 (and IMDSv1 when allowed), the ECS
container endpoint, the SSO portal and STS; short-lived credentials are
renewed before they expire, and expired ones are refused."""

import contextlib
import datetime
import json
import os
import time
import unittest
import urllib.error
import urllib.request

import harness

harness.require(os.access(harness.AWS_CLI, os.X_OK), f'{harness.AWS_CLI} (Debian awscli)')

import botocore.session                                 # noqa: E402
from botocore.exceptions import ClientError             # noqa: E402

RIG = harness.SharedRig('rig.json')
setUpModule, tearDownModule = RIG.start, RIG.stop
ROLE_PATH = '/latest/meta-data/iam/security-credentials/'
UTC = datetime.timezone.utc


def http(method, url, headers=None):
    """(status, body text, headers) of a plain HTTP request."""
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def imds(method, path, headers=None):
    return http(method, RIG.env['FAKEAWS_IMDS'] + path, headers)


def imds_token(ttl=60):
    status, token, headers = imds('PUT', '/latest/api/token',
                                  {'X-aws-ec2-metadata-token-ttl-seconds': str(ttl)})
    assert status == 200 and headers['X-aws-ec2-metadata-token-ttl-seconds'] == str(ttl)
    return token


def imds_credentials():
    token = imds_token()
    status, body, _ = imds('GET', ROLE_PATH + 'rdswatch-ec2', {'X-aws-ec2-metadata-token': token})
    assert status == 200, body
    return json.loads(body)


def expiration(text):
    return datetime.datetime.strptime(text, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=UTC)


@contextlib.contextmanager
def environment(**values):
    """Only the AWS settings given (None removes), as a fresh tool would see them."""
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith('AWS_')]:
        del os.environ[name]
    os.environ.update({'AWS_CONFIG_FILE': '/nonexistent', 'AWS_SHARED_CREDENTIALS_FILE':
                       '/nonexistent', 'AWS_DEFAULT_REGION': 'us-east-1'})
    os.environ.update({k: v for k, v in values.items() if v is not None})
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def caller_arn_from_chain(**values):
    """GetCallerIdentity with credentials botocore's default chain finds."""
    with environment(**values):
        session = botocore.session.get_session()
        sts = session.create_client('sts', endpoint_url=RIG.endpoint)
        return sts.get_caller_identity()['Arn']


def use(credentials, service='sts'):
    return RIG.client(service, access_key=credentials['AccessKeyId'],
                      secret_key=credentials['SecretAccessKey'], token=credentials['Token'],
                      retries=1)


class InstanceMetadata(unittest.TestCase):
    def tearDown(self):
        RIG.control('POST', '/imds', {'v1': False, 'credential_ttl': 21600})

    def test_imdsv2_documents(self):
        token = imds_token(21600)
        header = {'X-aws-ec2-metadata-token': token}
        self.assertEqual(imds('GET', ROLE_PATH, header)[:2], (200, 'rdswatch-ec2'))
        self.assertEqual(imds('GET', '/latest/meta-data/placement/region', header)[:2],
                         (200, 'us-east-1'))
        self.assertEqual(imds('GET', '/latest/meta-data/placement/availability-zone', header)[1],
                         'us-east-1b')
        self.assertEqual(imds('GET', '/latest/meta-data/instance-id', header)[1],
                         'i-0123456789abcdef0')
        document = json.loads(imds('GET', '/latest/dynamic/instance-identity/document', header)[1])
        self.assertEqual((document['region'], document['accountId']), ('us-east-1', '111122223333'))
        credentials = imds_credentials()
        self.assertEqual((credentials['Code'], credentials['Type']), ('Success', 'AWS-HMAC'))
        self.assertRegex(credentials['AccessKeyId'], r'^ASIA[A-Z2-7]{16}$')
        remaining = expiration(credentials['Expiration']) - datetime.datetime.now(UTC)
        self.assertAlmostEqual(remaining.total_seconds(), 21600, delta=10)
        self.assertEqual(imds('GET', ROLE_PATH + 'other-role', header)[0], 404)

    def test_imds_refusals_and_v1_switch(self):
        self.assertEqual(imds('GET', ROLE_PATH)[0], 401)
        self.assertEqual(imds('GET', ROLE_PATH, {'X-aws-ec2-metadata-token': 'forged'})[0], 401)
        self.assertEqual(imds('PUT', '/latest/api/token')[0], 400)
        self.assertEqual(imds('PUT', '/latest/api/token',
                              {'X-aws-ec2-metadata-token-ttl-seconds': '21601'})[0], 400)
        self.assertEqual(imds('PUT', '/latest/api/token',
                              {'X-aws-ec2-metadata-token-ttl-seconds': '60',
                               'X-Forwarded-For': '10.0.0.1'})[0], 403)
        short = imds_token(1)
        time.sleep(1.1)
        self.assertEqual(imds('GET', ROLE_PATH, {'X-aws-ec2-metadata-token': short})[0], 401)
        RIG.control('POST', '/imds', {'v1': True})
        self.assertEqual(imds('GET', ROLE_PATH)[:2], (200, 'rdswatch-ec2'))

    def test_botocore_and_aws_cli_use_imds(self):
        endpoint = RIG.env['AWS_EC2_METADATA_SERVICE_ENDPOINT']
        expected = 'arn:aws:sts::111122223333:assumed-role/rdswatch-ec2/i-0123456789abcdef0'
        self.assertEqual(caller_arn_from_chain(AWS_EC2_METADATA_SERVICE_ENDPOINT=endpoint),
                         expected)
        _, parsed, _ = harness.run_aws(['sts', 'get-caller-identity'], RIG.endpoint, {
            'AWS_EC2_METADATA_SERVICE_ENDPOINT': endpoint, 'AWS_EC2_METADATA_DISABLED': 'false',
            'AWS_DEFAULT_REGION': 'us-east-1'})
        self.assertEqual(parsed['Arn'], expected)
        self.assertGreaterEqual(RIG.count('imds', 'PUT /latest/api/token'), 2)

    def test_short_lived_credentials_are_renewed_and_then_refused(self):
        RIG.control('POST', '/imds', {'credential_ttl': 4})
        first = imds_credentials()
        remaining = expiration(first['Expiration']) - datetime.datetime.now(UTC)
        self.assertLessEqual(remaining.total_seconds(), 4)
        self.assertEqual(use(first).get_caller_identity()['Account'], '111122223333')
        self.assertEqual(imds_credentials()['AccessKeyId'], first['AccessKeyId'])
        time.sleep(2.2)
        second = imds_credentials()
        self.assertNotEqual(second['AccessKeyId'], first['AccessKeyId'])
        time.sleep(max(0.0, (expiration(first['Expiration']) -
                             datetime.datetime.now(UTC)).total_seconds() + 1.1))
        with self.assertRaises(ClientError) as raised:
            use(first).get_caller_identity()
        self.assertEqual(raised.exception.response['Error']['Code'], 'ExpiredToken')


class ContainerCredentials(unittest.TestCase):
    def test_ecs_endpoint(self):
        uri, token = RIG.env['FAKEAWS_ECS_URI'], RIG.env['FAKEAWS_ECS_TOKEN']
        self.assertEqual(token, 'rig-ecs-authorization-token')
        status, body, _ = http('GET', uri, {'Authorization': token})
        self.assertEqual(status, 200)
        credentials = json.loads(body)
        self.assertEqual(credentials['RoleArn'], 'arn:aws:iam::111122223333:role/rdswatch-task')
        self.assertEqual(use(credentials).get_caller_identity()['Arn'],
                         'arn:aws:sts::111122223333:assumed-role/rdswatch-task/ecs-task')
        self.assertEqual(http('GET', uri)[0], 401)
        self.assertEqual(http('GET', uri, {'Authorization': 'wrong'})[0], 401)
        self.assertEqual(http('GET', uri + 'x', {'Authorization': token})[0], 404)

    def test_botocore_uses_the_container_endpoint(self):
        arn = caller_arn_from_chain(AWS_CONTAINER_CREDENTIALS_FULL_URI=RIG.env['FAKEAWS_ECS_URI'],
                                    AWS_CONTAINER_AUTHORIZATION_TOKEN=RIG.env['FAKEAWS_ECS_TOKEN'])
        self.assertEqual(arn, 'arn:aws:sts::111122223333:assumed-role/rdswatch-task/ecs-task')

    def test_quick_expiry(self):
        RIG.control('POST', '/ecs', {'credential_ttl': 30})
        try:
            body = http('GET', RIG.env['FAKEAWS_ECS_URI'],
                        {'Authorization': RIG.env['FAKEAWS_ECS_TOKEN']})[1]
            remaining = expiration(json.loads(body)['Expiration']) - datetime.datetime.now(UTC)
            self.assertAlmostEqual(remaining.total_seconds(), 30, delta=2)
        finally:
            RIG.control('POST', '/ecs', {'credential_ttl': 3600})


class SsoAndSts(unittest.TestCase):
    def sso(self, token, role='DatabaseReadOnly'):
        client = RIG.client('sso', retries=1)
        return client.get_role_credentials(roleName=role, accountId='111122223333',
                                           accessToken=token)['roleCredentials']

    def test_sso_portal(self):
        tokens = [t['token'] for t in RIG.doc['sso']['access_tokens']]
        issued = self.sso(tokens[0])
        remaining = issued['expiration'] / 1000 - time.time()
        self.assertAlmostEqual(remaining, 3600, delta=10)
        sts = RIG.client('sts', access_key=issued['accessKeyId'],
                         secret_key=issued['secretAccessKey'], token=issued['sessionToken'])
        self.assertRegex(sts.get_caller_identity()['Arn'],
                         r'^arn:aws:sts::111122223333:assumed-role/'
                         r'AWSReservedSSO_DatabaseReadOnly_[a-z2-7]{16}/alice$')
        for token, role, code in ((tokens[1], 'DatabaseReadOnly', 'UnauthorizedException'),
                                  ('not-a-token', 'DatabaseReadOnly', 'UnauthorizedException'),
                                  (tokens[0], 'Admin', 'ForbiddenException')):
            with self.subTest(code=code, role=role):
                with self.assertRaises(ClientError) as raised:
                    self.sso(token, role)
                self.assertEqual(raised.exception.response['Error']['Code'], code)

    def test_expiring_issued_credentials(self):
        issued = RIG.client('sts').assume_role(
            RoleArn='arn:aws:iam::111122223333:role/rdswatch-readonly',
            RoleSessionName='expire-me')['Credentials']
        credentials = dict(issued, Token=issued['SessionToken'])
        self.assertEqual(use(credentials, 'rds').describe_db_instances(MaxRecords=20)
                         ['ResponseMetadata']['HTTPStatusCode'], 200)
        self.assertEqual(RIG.control('POST', '/credentials/expire',
                                     {'access_key_id': issued['AccessKeyId']})['expired'], 1)
        with self.assertRaises(ClientError) as raised:
            use(credentials, 'rds').describe_db_instances(MaxRecords=20)
        self.assertEqual(raised.exception.response['Error']['Code'], 'ExpiredToken')


if __name__ == '__main__':
    harness.main()
