#!/usr/bin/python3
"""Every operation's response, parsed by botocore's own parser for its
protocol and checked by botocore's ParamValidator against the newest model
(upstream models for RDS and GuardDuty, Debian's for the rest), holds
exactly the wire names the model has and the values the scenario says."""

import datetime
import json
import os
import socket
import subprocess
import unittest

import harness

harness.require(harness.newer_models_dir(), 'shared/testdata/botocore-models (newer RDS and '
                                            'GuardDuty models)')

from botocore.auth import SigV4Auth                           # noqa: E402
from botocore.awsrequest import AWSRequest                     # noqa: E402
from botocore.credentials import Credentials                   # noqa: E402
from botocore.exceptions import ClientError                    # noqa: E402
from botocore.loaders import Loader                            # noqa: E402
from botocore.model import ServiceModel                        # noqa: E402
from botocore.parsers import create_parser                     # noqa: E402

DETECTOR = harness.DETECTOR
UTC = datetime.timezone.utc


RIG = harness.SharedRig('rig.json')
setUpModule, tearDownModule = RIG.start, RIG.stop


def visible(doc, section, region='us-east-1', account='111122223333'):
    """Scenario entries of a section present now in the default place."""
    return [e for e in doc[section] if e.get('region', region) == region
            and e.get('account', account) == account and e.get('appear_at') is None]


def near(value, expected, seconds=5):
    return abs((value - expected).total_seconds()) <= seconds


class Operations(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rig = RIG
        cls.doc = cls.rig.doc
        cls.start = datetime.datetime.fromtimestamp(
            cls.rig.control('GET', '/time')['start_epoch'], UTC)
        cls.capture = harness.response_capture()
        cls.covered = set()

    def at(self, seconds):
        return self.start + datetime.timedelta(seconds=seconds)

    def call(self, service, method, **params):
        """Call through botocore, then re-parse the raw response with the oracle model."""
        client = self.rig.client(service)
        operation = client.meta.method_to_api_mapping[method]
        with self.capture.capture() as responses:
            getattr(client, method)(**params)
        model = harness.oracle_model(client.meta.service_model.service_name)
        parsed, problems = harness.judge(client.meta.service_model.protocol,
                                         model.operation_model(operation), responses[-1])
        self.assertEqual(problems, [], f'{service} {operation}')
        self.covered.add((client.meta.service_model.signing_name, operation))
        return parsed, responses[-1]

    # ------------------------------------------------------------ RDS

    def test_describe_db_instances(self):
        parsed, _ = self.call('rds', 'describe_db_instances')
        expected = sorted(e['attributes']['DBInstanceIdentifier']
                          for e in visible(self.doc, 'instances'))
        got = [i['DBInstanceIdentifier'] for i in parsed['DBInstances']]
        self.assertEqual(got, expected)
        prod = next(i for i in parsed['DBInstances'] if i['DBInstanceIdentifier'] == 'prod-db')
        spec = next(e for e in self.doc['instances']
                    if e['attributes']['DBInstanceIdentifier'] == 'prod-db')
        for name in ('PubliclyAccessible', 'StorageEncrypted', 'KmsKeyId', 'MultiAZ',
                     'IAMDatabaseAuthenticationEnabled', 'BackupRetentionPeriod',
                     'DeletionProtection', 'AutoMinorVersionUpgrade', 'MonitoringInterval',
                     'EnabledCloudwatchLogsExports', 'MasterUsername', 'CopyTagsToSnapshot',
                     'CACertificateIdentifier', 'VpcSecurityGroups', 'DBParameterGroups',
                     'Endpoint', 'MasterUserSecret', 'TagList', 'PreferredBackupWindow',
                     'PreferredMaintenanceWindow', 'EngineVersion'):
            self.assertEqual(prod[name], spec['attributes'][name], name)
        self.assertTrue(near(prod['CertificateDetails']['ValidTill'], self.at(31536000)))
        self.assertTrue(near(prod['InstanceCreateTime'], self.at(-31536000)))
        now = datetime.datetime.now(UTC)
        self.assertTrue(near(prod['LatestRestorableTime'], now - datetime.timedelta(seconds=240)))
        self.assertEqual(prod['DBInstanceArn'], 'arn:aws:rds:us-east-1:111122223333:db:prod-db')

    def test_describe_db_clusters(self):
        parsed, _ = self.call('rds', 'describe_db_clusters', DBClusterIdentifier='aurora-main')
        cluster = parsed['DBClusters'][0]
        spec = self.doc['clusters'][0]['attributes']
        self.assertEqual(cluster['DBClusterMembers'], spec['DBClusterMembers'])
        self.assertEqual(cluster['Endpoint'], spec['Endpoint'])
        self.assertIn('LatestRestorableTime', cluster)

    def test_describe_events(self):
        parsed, _ = self.call('rds', 'describe_events', Duration=60)
        expected = [e for e in self.doc['events'] if -3600 <= e['at'] <= 0]
        self.assertEqual(len(parsed['Events']), len(expected))
        self.assertEqual(parsed['Events'][-1]['Message'], 'Multi-AZ instance failover started.')
        self.assertTrue(near(parsed['Events'][-1]['Date'], self.at(-900)))
        parsed, _ = self.call('rds', 'describe_events', SourceType='db-instance',
                              SourceIdentifier='prod-db', EventCategories=['failover'],
                              StartTime=self.at(-7200))
        self.assertEqual([e['Message'] for e in parsed['Events']],
                         ['Multi-AZ instance failover started.'])

    def test_describe_pending_maintenance_actions(self):
        parsed, _ = self.call('rds', 'describe_pending_maintenance_actions')
        pending = [e for e in visible(self.doc, 'instances') + visible(self.doc, 'clusters')
                   if e.get('pending_maintenance')]
        self.assertEqual(len(parsed['PendingMaintenanceActions']), len(pending))
        cluster = next(p for p in parsed['PendingMaintenanceActions']
                       if p['ResourceIdentifier'].endswith(':cluster:aurora-main'))
        self.assertTrue(near(cluster['PendingMaintenanceActionDetails'][0]['ForcedApplyDate'],
                             self.at(259200)))

    def test_describe_db_parameters(self):
        parsed, _ = self.call('rds', 'describe_db_parameters', DBParameterGroupName='rig-pg15')
        self.assertEqual(parsed['Parameters'], self.doc['parameter_groups'][0]['parameters'])
        parsed, _ = self.call('rds', 'describe_db_parameters', DBParameterGroupName='rig-pg15',
                              Source='user')
        self.assertTrue(parsed['Parameters'])
        self.assertTrue(all(p['Source'] == 'user' for p in parsed['Parameters']))

    def test_describe_db_cluster_parameters(self):
        parsed, _ = self.call('rds', 'describe_db_cluster_parameters',
                              DBClusterParameterGroupName='rig-aurora-pg15')
        self.assertEqual(parsed['Parameters'],
                         self.doc['cluster_parameter_groups'][0]['parameters'])

    def test_describe_db_snapshots_and_attributes(self):
        parsed, _ = self.call('rds', 'describe_db_snapshots')
        self.assertEqual(len(parsed['DBSnapshots']), len(self.doc['snapshots']))
        parsed, _ = self.call('rds', 'describe_db_snapshot_attributes',
                              DBSnapshotIdentifier='prod-db-public-export')
        attributes = parsed['DBSnapshotAttributesResult']['DBSnapshotAttributes']
        self.assertEqual(attributes, [{'AttributeName': 'restore', 'AttributeValues': ['all']}])

    def test_describe_db_cluster_snapshots_and_attributes(self):
        wanted = [s for s in self.doc['cluster_snapshots']
                  if s['attributes']['DBClusterIdentifier'] == 'aurora-main']
        self.assertGreater(len(wanted), 20)
        first, _ = self.call('rds', 'describe_db_cluster_snapshots',
                             DBClusterIdentifier='aurora-main', MaxRecords=20)
        self.assertEqual(len(first['DBClusterSnapshots']), 20)
        rest, _ = self.call('rds', 'describe_db_cluster_snapshots',
                            DBClusterIdentifier='aurora-main', MaxRecords=20,
                            Marker=first['Marker'])
        self.assertNotIn('Marker', rest)
        got = first['DBClusterSnapshots'] + rest['DBClusterSnapshots']
        self.assertEqual(sorted(s['DBClusterSnapshotIdentifier'] for s in got),
                         sorted(s['attributes']['DBClusterSnapshotIdentifier'] for s in wanted))
        manual, _ = self.call('rds', 'describe_db_cluster_snapshots', SnapshotType='manual')
        self.assertEqual([s['DBClusterSnapshotIdentifier'] for s in manual['DBClusterSnapshots']],
                         ['aurora-main-before-upgrade'])
        self.assertIs(manual['DBClusterSnapshots'][0]['StorageEncrypted'], True)
        self.assertTrue(near(manual['DBClusterSnapshots'][0]['SnapshotCreateTime'],
                             self.at(-259200)))
        self.assertEqual(manual['DBClusterSnapshots'][0]['DBClusterSnapshotArn'],
                         'arn:aws:rds:us-east-1:111122223333:cluster-snapshot:'
                         'aurora-main-before-upgrade')
        none, _ = self.call('rds', 'describe_db_cluster_snapshots', DBClusterIdentifier='nope')
        self.assertEqual(none['DBClusterSnapshots'], [])
        parsed, _ = self.call('rds', 'describe_db_cluster_snapshot_attributes',
                              DBClusterSnapshotIdentifier='aurora-main-before-upgrade')
        result = parsed['DBClusterSnapshotAttributesResult']
        self.assertEqual(result['DBClusterSnapshotIdentifier'], 'aurora-main-before-upgrade')
        self.assertEqual(result['DBClusterSnapshotAttributes'],
                         [{'AttributeName': 'restore', 'AttributeValues': []}])

    def test_describe_db_engine_versions(self):
        parsed, _ = self.call('rds', 'describe_db_engine_versions', Engine='postgres')
        versions = [v['EngineVersion'] for v in parsed['DBEngineVersions']]
        self.assertEqual(len(versions), 24)
        self.assertNotIn('11.22', versions)
        self.assertEqual(versions[-1], '15.11')
        parsed, _ = self.call('rds', 'describe_db_engine_versions', Engine='postgres',
                              IncludeAll=True)
        self.assertIn('11.22', [v['EngineVersion'] for v in parsed['DBEngineVersions']])

    def test_describe_certificates(self):
        parsed, _ = self.call('rds', 'describe_certificates')
        self.assertEqual(len(parsed['Certificates']), len(self.doc['certificates']))
        self.assertEqual(parsed['DefaultCertificateForNewLaunches'], 'rds-ca-rsa2048-g1')

    def test_log_files(self):
        parsed, _ = self.call('rds', 'describe_db_log_files', DBInstanceIdentifier='prod-db')
        files = parsed['DescribeDBLogFiles']
        self.assertGreaterEqual(len(files), 25)
        # The burst happened minutes before the rig started: it can straddle an hour,
        # so read every file and check each against its listed size.
        whole = ''
        for listed in files:
            parsed, _ = self.call('rds', 'download_db_log_file_portion',
                                  DBInstanceIdentifier='prod-db',
                                  LogFileName=listed['LogFileName'], Marker='0')
            self.assertFalse(parsed['AdditionalDataPending'])
            self.assertEqual(len(parsed['LogFileData'].encode()), listed['Size'])
            whole += parsed['LogFileData']
        self.assertIn(':203.0.113.50(51000):postgres@postgres:[20000]:FATAL:  password '
                      'authentication failed for user "postgres"\n', whole)
        self.assertIn(':DETAIL:  Role "postgres" does not exist.\n\tConnection matched '
                      'pg_hba.conf line 13: "host\tall\tall\t0.0.0.0/0\tmd5"\n',
                      whole)

    # ------------------------------------------------------------ the rest

    def test_get_metric_data(self):
        now = datetime.datetime.now(UTC)
        queries = [{'Id': 'cpu', 'MetricStat': {
            'Metric': {'Namespace': 'AWS/RDS', 'MetricName': 'CPUUtilization',
                       'Dimensions': [{'Name': 'DBInstanceIdentifier', 'Value': 'prod-db'}]},
            'Period': 60, 'Stat': 'Maximum'}}]
        parsed, _ = self.call('cloudwatch', 'get_metric_data', MetricDataQueries=queries,
                              StartTime=now - datetime.timedelta(hours=1), EndTime=now,
                              ScanBy='TimestampAscending')
        result = parsed['MetricDataResults'][0]
        self.assertEqual(result['StatusCode'], 'Complete')
        self.assertGreaterEqual(len(result['Values']), 59)
        for stamp, value in zip(result['Timestamps'], result['Values']):
            offset = (stamp - self.start).total_seconds()     # a sample covers its minute
            self.assertEqual(value, 95.0 if -1860 < offset < -1200 else 30.0, stamp)

    def test_filter_log_events(self):
        parsed, _ = self.call('logs', 'filter_log_events',
                              logGroupName='/aws/rds/instance/prod-db/postgresql',
                              filterPattern='"password authentication failed" postgres')
        self.assertEqual(len(parsed['events']), 30)
        first = parsed['events'][0]
        stamp = self.at(-600).strftime('%Y-%m-%d %H:%M:%S UTC')
        self.assertEqual(first['message'], f'{stamp}:203.0.113.50(51000):postgres@postgres:'
                                           '[20000]:FATAL:  password authentication failed for '
                                           'user "postgres"')
        self.assertEqual(first['logStreamName'], 'prod-db')

    def test_guardduty(self):
        parsed, _ = self.call('guardduty', 'list_detectors')
        self.assertEqual(parsed['DetectorIds'], [DETECTOR])
        parsed, raw = self.call('guardduty', 'get_detector', DetectorId=DETECTOR)
        self.assertIn({'Name': 'RDS_LOGIN_EVENTS', 'Status': 'ENABLED'},
                      [{k: f[k] for k in ('Name', 'Status')} for f in parsed['Features']])
        self.assertIn(b'"features":[{"name":"RDS_LOGIN_EVENTS"', raw['body'])
        criteria = {'Criterion': {'resource.resourceType': {'Eq': ['RDSDBInstance']},
                                  'severity': {'Gte': 7}}}
        parsed, _ = self.call('guardduty', 'list_findings', DetectorId=DETECTOR,
                              FindingCriteria=criteria,
                              SortCriteria={'AttributeName': 'updatedAt', 'OrderBy': 'DESC'})
        self.assertEqual(len(parsed['FindingIds']), 1)
        recent = {'Criterion': {'updatedAt': {'Gte': int(self.at(-700).timestamp() * 1000)},
                                'service.archived': {'Eq': ['false']}}}
        recent_ids, _ = self.call('guardduty', 'list_findings', DetectorId=DETECTOR,
                                  FindingCriteria=recent)
        self.assertEqual(recent_ids['FindingIds'], parsed['FindingIds'])
        parsed, raw = self.call('guardduty', 'get_findings', DetectorId=DETECTOR,
                                FindingIds=parsed['FindingIds'])
        finding = parsed['Findings'][0]
        self.assertEqual(finding['Type'],
                         'CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce')
        action = finding['Service']['Action']['RdsLoginAttemptAction']
        self.assertEqual(action['LoginAttributes'][0]['FailedLoginAttempts'], 30)
        wire = json.loads(raw['body'])['findings'][0]
        attempt = wire['service']['action']['rdsLoginAttemptAction']
        self.assertEqual(attempt['LoginAttributes'][0]['user'], 'dbmaster')   # PascalCase quirk
        self.assertEqual(wire['resource']['rdsDbInstanceDetails']['dbInstanceIdentifier'],
                         'prod-db')

    def test_secrets_manager(self):
        parsed, _ = self.call('secretsmanager', 'get_secret_value', SecretId='rds!db-rig-prod')
        self.assertEqual(json.loads(parsed['SecretString'])['password'],
                         'rig-current-password-0002')
        self.assertEqual(parsed['VersionStages'], ['AWSCURRENT'])
        parsed, _ = self.call('secretsmanager', 'get_secret_value', SecretId=parsed['ARN'],
                              VersionStage='AWSPREVIOUS')
        self.assertEqual(json.loads(parsed['SecretString'])['password'], 'rig-old-password-0001')
        parsed, _ = self.call('secretsmanager', 'get_secret_value', SecretId='rig/binary')
        self.assertEqual(parsed['SecretBinary'], bytes(range(8)))

    def test_sts(self):
        parsed, _ = self.call('sts', 'get_caller_identity')
        self.assertEqual(parsed['Arn'], 'arn:aws:iam::111122223333:user/rdswatch-ci')
        parsed, _ = self.call('sts', 'assume_role',
                              RoleArn='arn:aws:iam::111122223333:role/rdswatch-readonly',
                              RoleSessionName='protocols')
        self.assertTrue(parsed['Credentials']['AccessKeyId'].startswith('ASIA'))
        self.assertEqual(parsed['AssumedRoleUser']['Arn'],
                         'arn:aws:sts::111122223333:assumed-role/rdswatch-readonly/protocols')

    def test_ec2(self):
        parsed, _ = self.call('ec2', 'describe_security_groups')
        self.assertEqual(len(parsed['SecurityGroups']), len(self.doc['security_groups']))
        parsed, _ = self.call('ec2', 'describe_security_groups',
                              Filters=[{'Name': 'ip-permission.cidr', 'Values': ['0.0.0.0/0']}])
        self.assertEqual([g['GroupId'] for g in parsed['SecurityGroups']], ['sg-0fa1e5000000000b2'])

    def test_sso(self):
        client = self.rig.client('sso')
        with self.capture.capture() as responses:
            client.get_role_credentials(roleName='DatabaseReadOnly', accountId='111122223333',
                                        accessToken='aoaAAAAAGdpcmlnLXNzby10b2tlbg')
        model = harness.oracle_model('sso')
        parsed, problems = harness.judge('rest-json', model.operation_model('GetRoleCredentials'),
                                         responses[-1])
        self.assertEqual(problems, [])
        self.assertTrue(parsed['roleCredentials']['accessKeyId'].startswith('ASIA'))
        self.covered.add(('awsssoportal', 'GetRoleCredentials'))

    def test_zz_every_operation_covered(self):
        from fakeaws.services import all_services
        served = {(s.signing_name, op) for s in all_services() for op in s.operations}
        self.assertEqual(served - self.covered, set())


class CloudWatchJson(unittest.TestCase):
    """CloudWatch's JSON 1.0 form (what botocore >= 1.42 sends)."""

    @classmethod
    def setUpClass(cls):
        cls.rig = RIG

    def post(self, body, target='GraniteServiceVersion20100801.GetMetricData'):
        request = AWSRequest(method='POST', url=self.rig.endpoint + '/', data=json.dumps(body),
                             headers={'X-Amz-Target': target, 'x-amzn-query-mode': 'true',
                                      'Content-Type': 'application/x-amz-json-1.0'})
        SigV4Auth(Credentials(self.rig.env['AWS_ACCESS_KEY_ID'],
                              self.rig.env['AWS_SECRET_ACCESS_KEY']),
                  'monitoring', 'us-east-1').add_auth(request)
        return send(request.prepare())

    def test_json_form_parses_and_validates(self):
        now = int(datetime.datetime.now(UTC).timestamp())
        body = {'MetricDataQueries': [{'Id': 'q', 'MetricStat': {
            'Metric': {'Namespace': 'AWS/RDS', 'MetricName': 'DatabaseConnections',
                       'Dimensions': [{'Name': 'DBInstanceIdentifier', 'Value': 'fleet-07'}]},
            'Period': 300, 'Stat': 'Average'}}], 'StartTime': now - 3600, 'EndTime': now}
        response = self.post(body)
        self.assertEqual(response['headers']['content-type'], 'application/x-amz-json-1.0')
        raw = ServiceModel(Loader().load_service_model('cloudwatch', 'service-2'), 'cloudwatch')
        parsed, problems = harness.judge('json', raw.operation_model('GetMetricData'), response)
        self.assertEqual(problems, [])
        self.assertGreaterEqual(len(parsed['MetricDataResults'][0]['Values']), 12)
        self.assertIsInstance(json.loads(response['body'])['MetricDataResults'][0]['Timestamps'][0],
                              int)

    def test_json_form_errors_carry_query_codes(self):
        response = self.post({'MetricDataQueries': []}, target='GraniteServiceVersion20100801.Nope')
        self.assertEqual(response['status_code'], 400)
        self.assertEqual(response['headers']['x-amzn-query-error'], 'InvalidAction;Sender')


def send(prepared):
    import urllib3
    http = urllib3.PoolManager()
    response = http.request(prepared.method, prepared.url, body=prepared.body,
                            headers=dict(prepared.headers), retries=False)
    return {'status_code': response.status,
            'headers': {k.lower(): v for k, v in response.headers.items()},
            'body': response.data}


class MisspellingIsCaught(unittest.TestCase):
    """The checks above can fail: a misspelled wire name or a wrong type is reported."""

    @classmethod
    def setUpClass(cls):
        cls.rig = RIG
        cls.capture = harness.response_capture()

    def raw(self, service, method, **params):
        client = self.rig.client(service)
        with self.capture.capture() as responses:
            getattr(client, method)(**params)
        return responses[-1]

    def test_misspelled_xml_element(self):
        response = self.raw('rds', 'describe_db_instances', DBInstanceIdentifier='prod-db')
        operation = harness.oracle_model('rds').operation_model('DescribeDBInstances')
        self.assertEqual(harness.judge('query', operation, response)[1], [])
        broken = dict(response, body=response['body'].replace(b'PubliclyAccessible>',
                                                              b'PubliclyAcessible>'))
        parsed, problems = harness.judge('query', operation, broken)
        self.assertNotIn('PubliclyAccessible', parsed['DBInstances'][0])
        self.assertIn('unknown wire name /DBInstances/DBInstance/PubliclyAcessible', problems)

    def test_misspelled_json_key(self):
        response = self.raw('guardduty', 'get_detector', DetectorId=DETECTOR)
        operation = harness.oracle_model('guardduty').operation_model('GetDetector')
        broken = dict(response, body=response['body'].replace(b'"serviceRole"', b'"serviceRol"'))
        problems = harness.judge('rest-json', operation, broken)[1]
        self.assertIn('unknown wire name .serviceRol', problems)
        self.assertTrue(any('Missing required parameter' in p and 'ServiceRole' in p
                            for p in problems), problems)

    def test_wrong_json_type(self):
        response = self.raw('logs', 'filter_log_events',
                            logGroupName='/aws/rds/instance/prod-db/postgresql', limit=1)
        operation = harness.oracle_model('logs').operation_model('FilterLogEvents')
        body = json.loads(response['body'])
        body['events'][0]['timestamp'] = str(body['events'][0]['timestamp'])
        changed = dict(response, body=json.dumps(body).encode())
        problems = harness.judge('json', operation, changed)[1]
        self.assertTrue(any('Invalid type for parameter events[0].timestamp' in p
                            for p in problems), problems)

    def test_pascal_case_in_guardduty_is_caught(self):
        response = self.raw('guardduty', 'list_detectors')
        operation = harness.oracle_model('guardduty').operation_model('ListDetectors')
        broken = dict(response, body=response['body'].replace(b'"detectorIds"', b'"DetectorIds"'))
        self.assertIn('unknown wire name .DetectorIds', harness.judge('rest-json', operation,
                                                                      broken)[1])


class ErrorsAndRobustness(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.rig = RIG

    def error_of(self, service, method, **params):
        client = self.rig.client(service, retries=1)
        with self.assertRaises(ClientError) as raised:
            getattr(client, method)(**params)
        response = raised.exception.response
        return response['Error']['Code'], response['ResponseMetadata']['HTTPStatusCode']

    def test_service_errors(self):
        cases = [
            (('rds', 'describe_db_instances'), {'DBInstanceIdentifier': 'nope'},
             ('DBInstanceNotFound', 404)),
            (('rds', 'describe_db_clusters'), {'DBClusterIdentifier': 'nope'},
             ('DBClusterNotFoundFault', 404)),
            (('rds', 'describe_db_parameters'), {'DBParameterGroupName': 'nope'},
             ('DBParameterGroupNotFound', 404)),
            (('rds', 'describe_db_snapshot_attributes'), {'DBSnapshotIdentifier': 'nope'},
             ('DBSnapshotNotFound', 404)),
            (('rds', 'describe_db_cluster_snapshot_attributes'),
             {'DBClusterSnapshotIdentifier': 'nope'}, ('DBClusterSnapshotNotFoundFault', 404)),
            (('rds', 'describe_events'), {'SourceIdentifier': 'prod-db'},
             ('InvalidParameterCombination', 400)),
            (('rds', 'describe_db_instances'), {'MaxRecords': 10}, ('InvalidParameterValue', 400)),
            (('rds', 'download_db_log_file_portion'),
             {'DBInstanceIdentifier': 'prod-db', 'LogFileName': 'error/nope'},
             ('DBLogFileNotFoundFault', 404)),
            (('logs', 'filter_log_events'), {'logGroupName': '/nope'},
             ('ResourceNotFoundException', 400)),
            (('guardduty', 'get_detector'), {'DetectorId': 'nope'}, ('BadRequestException', 400)),
            (('ec2', 'describe_security_groups'), {'GroupIds': ['sg-0123']},
             ('InvalidGroup.NotFound', 400)),
            (('secretsmanager', 'get_secret_value'), {'SecretId': 'nope'},
             ('ResourceNotFoundException', 400)),
            (('sts', 'assume_role'), {'RoleArn': 'arn:aws:iam::111122223333:role/nope',
                                      'RoleSessionName': 'x1'}, ('AccessDenied', 403)),
        ]
        for (service, method), params, expected in cases:
            with self.subTest(service=service, method=method):
                self.assertEqual(self.error_of(service, method, **params), expected)

    def test_unknown_operations(self):
        cases = [(('rds', 'describe_db_proxies'), {}, ('InvalidAction', 400)),
                 (('ec2', 'describe_regions'), {}, ('InvalidAction', 400)),
                 (('sts', 'get_session_token'), {}, ('InvalidAction', 400)),
                 (('logs', 'describe_log_groups'), {}, ('UnknownOperationException', 400)),
                 (('secretsmanager', 'list_secrets'), {}, ('UnknownOperationException', 400)),
                 (('guardduty', 'list_filters'), {'DetectorId': DETECTOR},
                  ('UnknownOperationException', 404))]
        for (service, method), params, expected in cases:
            with self.subTest(service=service, method=method):
                self.assertEqual(self.error_of(service, method, **params), expected)

    def signed(self, service, body, headers, method='POST', path='/'):
        request = AWSRequest(method=method, url=self.rig.endpoint + path, data=body,
                             headers=headers)
        SigV4Auth(Credentials(self.rig.env['AWS_ACCESS_KEY_ID'],
                              self.rig.env['AWS_SECRET_ACCESS_KEY']),
                  service, 'us-east-1').add_auth(request)
        return send(request.prepare())

    def test_malformed_requests_get_aws_errors(self):
        json_headers = {'X-Amz-Target': 'Logs_20140328.FilterLogEvents',
                        'Content-Type': 'application/x-amz-json-1.1'}
        cases = [
            ('logs', b'{not json', json_headers, 'SerializationException'),
            ('logs', b'[1, 2]', json_headers, 'InvalidParameterException'),
            ('logs', b'{"logGroupName": 7}', json_headers, 'InvalidParameterException'),
            ('logs', b'{}', json_headers, 'ValidationException'),
            ('rds', b'Action=DescribeDBInstances&Version=2014-10-31&MaxRecords=abc',
             {'Content-Type': 'application/x-www-form-urlencoded'}, 'InvalidParameterValue'),
            ('rds', b'Action=DescribeDBInstances&Version=2014-10-31&Marker=%ZZ',
             {'Content-Type': 'application/x-www-form-urlencoded'}, 'MalformedQueryString'),
            ('rds', b'Version=2014-10-31', {'Content-Type': 'application/x-www-form-urlencoded'},
             'MissingAction'),
            ('rds', b'Action=DescribeDBInstances&Version=1999-01-01',
             {'Content-Type': 'application/x-www-form-urlencoded'}, 'NoSuchVersion'),
            ('rds', b'Action=DescribeDBParameters&Version=2014-10-31',
             {'Content-Type': 'application/x-www-form-urlencoded'}, 'MissingParameter'),
            ('rds', b'\xff\xfe\x00garbage', {'Content-Type': 'application/x-www-form-urlencoded'},
             'MalformedQueryString'),
        ]
        for service, body, headers, code in cases:
            with self.subTest(body=body):
                response = self.signed(service, body, headers)
                self.assertEqual(harness_error_code(response), code, response['body'][:300])
        response = self.signed('guardduty', b'{"findingCriteria": ', {},
                               path=f'/detector/{DETECTOR}/findings')
        self.assertEqual(response['headers']['x-amzn-errortype'].split(':')[0],
                         'BadRequestException')

    def test_garbage_on_the_socket_does_not_kill_the_server(self):
        port = int(self.rig.endpoint.rsplit(':', 1)[1])
        for junk in (b'\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03' + bytes(40),
                     b'GET / HTTP/1.1\r\nContent-Length: -5\r\n\r\n',
                     b'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
                     b'NONSENSE\r\n\r\n', b'GET ' + b'/a' * 40000 + b' HTTP/1.1\r\n\r\n'):
            with socket.create_connection(('127.0.0.1', port), timeout=5) as sock:
                # The server may answer and close, or reset, before we are
                # done: either is fine; only its survival matters.
                try:
                    sock.sendall(junk)
                    sock.shutdown(socket.SHUT_WR)
                    sock.recv(65536)
                except OSError:
                    pass
        self.assertEqual(self.rig.control('GET', '/health'), {'ok': True})
        self.assertEqual(len(self.rig.client('sts').get_caller_identity()['Account']), 12)


def harness_error_code(response):
    parser = create_parser('json' if b'__type' in response['body'] else 'query')
    return parser.parse(response, None)['Error']['Code']


class OverlayMatchesUpstream(unittest.TestCase):
    """fakeaws/overlays/*.json are verbatim copies of the upstream definitions."""

    def test_overlay_definitions_equal_upstream(self):
        from fakeaws import models
        for name in ('rds', 'guardduty'):
            with open(os.path.join(models.OVERLAY_DIR, name + '.json'), encoding='utf-8') as f:
                overlay = json.load(f)
            upstream = harness.oracle_raw(name)['shapes']
            with self.subTest(model=name):
                for shape_name, shape in overlay['shapes'].items():
                    self.assertEqual(shape, upstream[shape_name], shape_name)
                for shape_name, members in overlay['members'].items():
                    for member, definition in members.items():
                        self.assertEqual(definition, upstream[shape_name]['members'][member])


class SecondOracle(unittest.TestCase):
    """A newer botocore (>= 1.42: CloudWatch over JSON 1.0, newer models), when present."""

    def test_newer_botocore_reads_the_endpoint(self):
        if not os.path.exists(harness.NEWER_BOTOCORE_PYTHON):
            self.skipTest('no newer botocore on this machine')
        script = os.path.join(harness.HERE, 'newer_botocore_probe.py')
        env = dict(os.environ, **RIG.env)
        env.pop('PYTHONPATH', None)
        done = subprocess.run([harness.NEWER_BOTOCORE_PYTHON, script], env=env,
                              capture_output=True, text=True, timeout=60)
        if done.returncode == 3:
            self.skipTest(done.stderr.strip())
        self.assertEqual(done.returncode, 0, done.stderr)
        result = json.loads(done.stdout)
        self.assertEqual(result['cloudwatch_request_target'],
                         'GraniteServiceVersion20100801.GetMetricData')
        self.assertEqual(result['cpu_values'][0], 30.0)
        self.assertEqual(result['features'][0], 'RDS_LOGIN_EVENTS')
        self.assertEqual(result['login_attributes'][0]['FailedLoginAttempts'], 30)
        self.assertEqual(result['certificate_ca'], 'rds-ca-rsa2048-g1')
        self.assertEqual(result['error_code'], 'InvalidParameterValue')


if __name__ == '__main__':
    harness.main()
