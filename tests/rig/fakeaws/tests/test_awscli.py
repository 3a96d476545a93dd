#!/usr/bin/python3
"""Debian's aws CLI (its own bundled botocore) against fakeaws: every
operation succeeds and shows what the scenario holds; with a page size
smaller than the data it gets every item exactly once, in the number of
calls the page size implies."""

import datetime
import json
import math
import os
import unittest

import harness

harness.require(os.access(harness.AWS_CLI, os.X_OK), f'{harness.AWS_CLI} (Debian awscli)')

DETECTOR = harness.DETECTOR
PROD_LOG = harness.PROD_LOG
UTC = datetime.timezone.utc
RIG = harness.SharedRig('rig.json')
setUpModule, tearDownModule = RIG.start, RIG.stop


def main_instances(doc):
    return sorted(e['attributes']['DBInstanceIdentifier'] for e in doc['instances']
                  if e.get('region', 'us-east-1') == 'us-east-1' and e.get('appear_at') is None
                  and e.get('account', '111122223333') == '111122223333')


def metric_queries(identifiers):
    return json.dumps([{'Id': f'q{n}', 'MetricStat': {
        'Metric': {'Namespace': 'AWS/RDS', 'MetricName': 'FreeableMemory',
                   'Dimensions': [{'Name': 'DBInstanceIdentifier', 'Value': identifier}]},
        'Period': 300, 'Stat': 'Average'}} for n, identifier in enumerate(identifiers)])


def current_log_file():
    return datetime.datetime.now(UTC).strftime('error/postgresql.log.%Y-%m-%d-%H')


def busiest_log_file():
    """The largest of prod-db's hourly files: it holds most of the failed-login burst,
    which falls in the previous hour when the rig starts early in an hour."""
    files = RIG.client('rds').describe_db_log_files(DBInstanceIdentifier='prod-db')
    return max(files['DescribeDBLogFiles'], key=lambda f: f['Size'])['LogFileName']


def unique(items):
    """The items, after checking none came twice."""
    keys = [json.dumps(i, sort_keys=True, default=str) for i in items]
    assert len(keys) == len(set(keys)), f'an item came twice: {items}'
    return items


class Operations(unittest.TestCase):
    """One aws CLI call per operation, its output checked against the scenario. Where
    the operation pages, the call uses a page size smaller than the data: every item
    must come exactly once, in ceil(items / page size) calls."""

    def cases(self):
        """(service, operation, CLI arguments, page size or None, pick, expected)."""
        doc = RIG.doc
        now = datetime.datetime.now(UTC)
        fleet = [f'fleet-{n:02}' for n in range(1, 4)]
        brute_force = RIG.client('guardduty').list_findings(
            DetectorId=DETECTOR, FindingCriteria={'Criterion': {'severity': {'Gte': 7}}})
        log_file = busiest_log_file()
        whole_log = RIG.client('rds').download_db_log_file_portion(
            DBInstanceIdentifier='prod-db', LogFileName=log_file, Marker='0')
        prod_secret = doc['secrets'][0]['versions'][1]['SecretString']
        return [
            ('rds', 'DescribeDBInstances', ['describe-db-instances'], 20,
             lambda r: (sorted(i['DBInstanceIdentifier'] for i in unique(r['DBInstances'])),
                        [(i['Endpoint'], i['MultiAZ']) for i in r['DBInstances']
                         if i['DBInstanceIdentifier'] == 'prod-db']),
             (main_instances(doc), [({'Address': '127.0.0.1', 'Port': 1}, True)])),
            ('rds', 'DescribeDBClusters', ['describe-db-clusters'], None,
             lambda r: [m['DBInstanceIdentifier'] for m in r['DBClusters'][0]['DBClusterMembers']],
             ['aurora-main-1', 'aurora-main-2']),
            ('rds', 'DescribeEvents', ['describe-events', '--duration', '60'], 20,
             lambda r: (len(unique(r['Events'])),
                        [e['Message'] for e in r['Events'] if e['SourceIdentifier'] == 'prod-db']),
             (26, ['Multi-AZ instance failover started.'])),
            ('rds', 'DescribePendingMaintenanceActions', ['describe-pending-maintenance-actions'],
             20, lambda r: (len(unique(r['PendingMaintenanceActions'])),
                            [p['PendingMaintenanceActionDetails'][0]['Action']
                             for p in r['PendingMaintenanceActions']
                             if p['ResourceIdentifier'].endswith(':cluster:aurora-main')]),
             (46, ['db-upgrade'])),
            ('rds', 'DescribeDBParameters', ['describe-db-parameters', '--db-parameter-group-name',
                                             'rig-pg15'], 20,
             lambda r: unique(r['Parameters']), doc['parameter_groups'][0]['parameters']),
            ('rds', 'DescribeDBClusterParameters', [
                'describe-db-cluster-parameters', '--db-cluster-parameter-group-name',
                'rig-aurora-pg15', '--source', 'engine-default'], None,
             lambda r: [p['ParameterName'] for p in r['Parameters']], ['rds.force_ssl']),
            ('rds', 'DescribeDBSnapshots', ['describe-db-snapshots'], 20,
             lambda r: (len(unique(r['DBSnapshots'])),
                        [s['Encrypted'] for s in r['DBSnapshots']
                         if s['DBSnapshotIdentifier'] == 'prod-db-public-export']),
             (25, [False])),
            ('rds', 'DescribeDBSnapshotAttributes', [
                'describe-db-snapshot-attributes', '--db-snapshot-identifier',
                'prod-db-public-export'], None,
             lambda r: r['DBSnapshotAttributesResult']['DBSnapshotAttributes'][0]
             ['AttributeValues'],
             ['all']),
            ('rds', 'DescribeDBClusterSnapshots', ['describe-db-cluster-snapshots',
                                                   '--db-cluster-identifier', 'aurora-main'], 20,
             lambda r: (len(unique(r['DBClusterSnapshots'])),
                        [s['StorageEncrypted'] for s in r['DBClusterSnapshots']
                         if s['DBClusterSnapshotIdentifier'] == 'aurora-main-before-upgrade']),
             (23, [True])),
            ('rds', 'DescribeDBClusterSnapshotAttributes', [
                'describe-db-cluster-snapshot-attributes', '--db-cluster-snapshot-identifier',
                'rds:aurora-main-day-01'], None,
             lambda r: r['DBClusterSnapshotAttributesResult']['DBClusterSnapshotAttributes'],
             [{'AttributeName': 'restore', 'AttributeValues': []}]),
            ('rds', 'DescribeDBEngineVersions', ['describe-db-engine-versions', '--engine',
                                                 'postgres'], 20,
             lambda r: [v['EngineVersion'] for v in unique(r['DBEngineVersions'])],
             [f'14.{n}' for n in range(12)] + [f'15.{n}' for n in range(12)]),
            ('rds', 'DescribeCertificates', ['describe-certificates'], 20,
             lambda r: sorted(c['CertificateIdentifier'] for c in unique(r['Certificates'])),
             sorted(c['attributes']['CertificateIdentifier'] for c in doc['certificates'])),
            ('rds', 'DescribeDBLogFiles', ['describe-db-log-files', '--db-instance-identifier',
                                           'prod-db'], 20,
             lambda r: current_log_file() in [f['LogFileName']
                                              for f in unique(r['DescribeDBLogFiles'])],
             True),
            ('rds', 'DownloadDBLogFilePortion', [
                'download-db-log-file-portion', '--db-instance-identifier', 'prod-db',
                '--log-file-name', log_file, '--starting-token', '0'], 4,
             lambda r: r['LogFileData'], whole_log['LogFileData']),
            ('cloudwatch', 'GetMetricData', [
                'get-metric-data', '--metric-data-queries', metric_queries(fleet),
                '--start-time', (now - datetime.timedelta(minutes=29)).isoformat(),
                '--end-time', now.isoformat()], 10,
             lambda r: (len(unique([(m['Id'], t) for m in r['MetricDataResults']
                                    for t in m['Timestamps']])) >= 18,
                        {m['Label'] for m in r['MetricDataResults']}),
             (True, {'FreeableMemory'})),
            ('logs', 'FilterLogEvents', ['filter-log-events', '--log-group-name', PROD_LOG,
                                         '--filter-pattern', 'FATAL'], 7,
             lambda r: (len(unique([e['eventId'] for e in r['events']])),
                        [e['message'].split(':[21000]:', 1)[1] for e in r['events']
                         if ':[21000]:' in e['message']]),
             (31, ['FATAL:  no pg_hba.conf entry for host "198.51.100.7", user "app", database '
                   '"appdb", no encryption'])),
            ('guardduty', 'ListDetectors', ['list-detectors'], None,
             lambda r: r['DetectorIds'], [DETECTOR]),
            ('guardduty', 'GetDetector', ['get-detector', '--detector-id', DETECTOR], None,
             lambda r: (r['Status'], r['Tags']), ('ENABLED', {'team': 'security'})),
            ('guardduty', 'ListFindings', ['list-findings', '--detector-id', DETECTOR], 10,
             lambda r: len(unique(r['FindingIds'])), 26),
            ('guardduty', 'GetFindings', ['get-findings', '--detector-id', DETECTOR,
                                          '--finding-ids', *brute_force['FindingIds']], None,
             lambda r: [f['Type'] for f in r['Findings']],
             ['CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce']),
            ('secretsmanager', 'GetSecretValue', ['get-secret-value', '--secret-id',
                                                  'rds!db-rig-prod'], None,
             lambda r: r['SecretString'], prod_secret),
            ('sts', 'GetCallerIdentity', ['get-caller-identity'], None, lambda r: r['Arn'],
             'arn:aws:iam::111122223333:user/rdswatch-ci'),
            ('sts', 'AssumeRole', [
                'assume-role', '--role-arn', 'arn:aws:iam::111122223333:role/rdswatch-external',
                '--role-session-name', 'cli', '--external-id', 'rig-external-id'], None,
             lambda r: r['AssumedRoleUser']['Arn'],
             'arn:aws:sts::111122223333:assumed-role/rdswatch-external/cli'),
            ('ec2', 'DescribeSecurityGroups', ['describe-security-groups'], 5,
             lambda r: sorted(g['GroupId'] for g in unique(r['SecurityGroups'])),
             sorted(g['attributes']['GroupId'] for g in doc['security_groups'])),
            ('sso', 'GetRoleCredentials', [
                'get-role-credentials', '--role-name', 'DatabaseReadOnly', '--account-id',
                '111122223333', '--access-token', 'aoaAAAAAGdpcmlnLXNzby10b2tlbg'], None,
             lambda r: r['roleCredentials']['accessKeyId'][:4], 'ASIA'),
        ]

    def test_every_operation(self):
        cases = self.cases()
        RIG.reset()
        outputs = harness.parallel([
            lambda c=c: RIG.aws(c[0], *c[2], *(['--page-size', str(c[3])] if c[3] else []))
            for c in cases])
        counters = RIG.counters()
        for (service, operation, args, size, pick, expected), (_, parsed, _) in zip(cases, outputs):
            with self.subTest(operation=operation):
                self.assertEqual(pick(parsed), expected)
                if size is not None:
                    calls = counters[service][operation]
                    self.assertGreater(calls, 1, 'the data must span pages')
                    if operation != 'DownloadDBLogFilePortion':
                        items = _page_items(operation, parsed)
                        self.assertEqual(calls, math.ceil(items / size))
        from fakeaws.services import all_services
        served = {(s.key, op) for s in all_services() for op in s.operations}
        self.assertEqual(served - {(c[0], c[1]) for c in cases}, set())


RESULT_KEYS = {'DescribeDBInstances': 'DBInstances', 'DescribeEvents': 'Events',
               'DescribePendingMaintenanceActions': 'PendingMaintenanceActions',
               'DescribeDBParameters': 'Parameters', 'DescribeDBSnapshots': 'DBSnapshots',
               'DescribeDBClusterSnapshots': 'DBClusterSnapshots',
               'DescribeDBEngineVersions': 'DBEngineVersions',
               'DescribeCertificates': 'Certificates',
               'DescribeDBLogFiles': 'DescribeDBLogFiles', 'FilterLogEvents': 'events',
               'ListFindings': 'FindingIds', 'DescribeSecurityGroups': 'SecurityGroups'}


def _page_items(operation, parsed):
    if operation == 'GetMetricData':
        return sum(len(m['Timestamps']) for m in parsed['MetricDataResults'])
    return len(parsed[RESULT_KEYS[operation]])


if __name__ == '__main__':
    harness.main()
