#!/usr/bin/python3
"""The posture checks of domain.md section 7, computed from what fakeaws
answers (parsed with the newest models): clean.json passes every one, and
demo.json fails exactly the ones its story needs."""

import datetime
import unittest

import harness

harness.require(harness.newer_models_dir(), 'shared/testdata/botocore-models (newer RDS and '
                                            'GuardDuty models)')

UTC = datetime.timezone.utc
DEFAULT_USERS = {'postgres', 'admin', 'root'}
TLS_ORDER = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3']


class Api:
    """Calls through Debian's botocore, answers re-parsed with the newest models."""

    def __init__(self, rig):
        self.rig = rig
        self.capture = harness.response_capture()
        self.clients = {}

    def __call__(self, service, method, **params):
        client = self.clients.setdefault(service, self.rig.client(service))
        with self.capture.capture() as responses:
            getattr(client, method)(**params)
        operation = client.meta.method_to_api_mapping[method]
        model = harness.oracle_model(client.meta.service_model.service_name)
        parsed, problems = harness.judge(client.meta.service_model.protocol,
                                         model.operation_model(operation), responses[-1])
        assert not problems, problems
        return parsed


def parameters(api, group, cluster=False):
    if cluster:
        found = api('rds', 'describe_db_cluster_parameters', DBClusterParameterGroupName=group)
    else:
        found = api('rds', 'describe_db_parameters', DBParameterGroupName=group)
    return {p['ParameterName']: p.get('ParameterValue') for p in found['Parameters']}


def open_to_world(api, group_ids, port):
    groups = api('ec2', 'describe_security_groups', GroupIds=group_ids)['SecurityGroups']
    for group in groups:
        for rule in group.get('IpPermissions', []):
            everyone = ({r['CidrIp'] for r in rule.get('IpRanges', [])} & {'0.0.0.0/0'} or
                        {r['CidrIpv6'] for r in rule.get('Ipv6Ranges', [])} & {'::/0'})
            covers = (rule['IpProtocol'] == '-1' or
                      rule.get('FromPort', 0) <= port <= rule.get('ToPort', -1))
            if everyone and covers:
                return True
    return False


def newer_minor_exists(api, engine, version):
    major = version.split('.')[0]
    versions = api('rds', 'describe_db_engine_versions', Engine=engine, EngineVersion=major)
    minor = [int(p) for p in version.split('.')[1:2]] or [0]
    return any([int(p) for p in v['EngineVersion'].split('.')[1:2]] > minor
               for v in versions['DBEngineVersions'])


def parameter_failures(values):
    failures = set()
    if values.get('rds.force_ssl') not in (None, '1'):
        failures.add('RDS.38')
    floor = values.get('ssl_min_protocol_version')
    if floor is not None and TLS_ORDER.index(floor) < TLS_ORDER.index('TLSv1.2'):
        failures.add('tls-floor')
    if 'log_connections' in values and values['log_connections'] != '1':
        failures.add('log_connections')
    if values.get('log_statement') in ('all', 'ddl'):
        failures.add('log_statement')
    if 'pgaudit' not in (values.get('shared_preload_libraries') or ''):
        failures.add('pgaudit')
    return failures


def instance_failures(api, instance, cluster, now):
    """Failed checks of one DB instance (cluster-level ones judged on its cluster)."""
    owner = cluster or instance
    group = instance['DBParameterGroups'][0]['DBParameterGroupName']
    failures = parameter_failures(parameters(api, group))
    checks = {
        'RDS.2': instance['PubliclyAccessible'],
        'RDS.3': not instance['StorageEncrypted'] or not instance.get('KmsKeyId'),
        'certificate': (instance['CertificateDetails']['ValidTill'] <
                        now + datetime.timedelta(days=90)),
        'RDS.10': not owner.get('IAMDatabaseAuthenticationEnabled'),
        'RDS.11': owner['BackupRetentionPeriod'] < 7 or
                  owner['LatestRestorableTime'] < now - datetime.timedelta(hours=1),
        'RDS.8': not owner.get('DeletionProtection'),
        'RDS.5': not owner.get('MultiAZ'),
        'RDS.13': not instance['AutoMinorVersionUpgrade'],
        'RDS.9': 'postgresql' not in owner.get('EnabledCloudwatchLogsExports', []),
        'RDS.6': instance['MonitoringInterval'] == 0,
        'RDS.23': instance['Endpoint']['Port'] == 5432,
        'RDS.24': instance['MasterUsername'] in DEFAULT_USERS,
        'RDS.17': not owner.get('CopyTagsToSnapshot'),
        'secret': 'MasterUserSecret' not in owner,
        'open-sg': open_to_world(api, [g['VpcSecurityGroupId']
                                       for g in instance['VpcSecurityGroups']],
                                 instance['Endpoint']['Port']),
        'minor': newer_minor_exists(api, instance['Engine'], instance['EngineVersion']),
    }
    return failures | {name for name, failed in checks.items() if failed}


def posture(rig):
    """{resource: {failed check}} for everything the endpoint shows."""
    api = Api(rig)
    now = datetime.datetime.now(UTC)
    clusters = {c['DBClusterIdentifier']: c
                for c in api('rds', 'describe_db_clusters')['DBClusters']}
    report = {}
    for instance in api('rds', 'describe_db_instances')['DBInstances']:
        cluster = clusters.get(instance.get('DBClusterIdentifier'))
        report[instance['DBInstanceIdentifier']] = instance_failures(api, instance, cluster, now)
    for identifier, cluster in clusters.items():
        values = parameters(api, cluster['DBClusterParameterGroup'], cluster=True)
        report[identifier] = parameter_failures(values) - {'log_connections', 'pgaudit'}
    for action in api('rds', 'describe_pending_maintenance_actions')['PendingMaintenanceActions']:
        if any('ForcedApplyDate' in d for d in action['PendingMaintenanceActionDetails']):
            report[action['ResourceIdentifier'].rsplit(':', 1)[1]].add('forced-maintenance')
    for snapshot in api('rds', 'describe_db_snapshots')['DBSnapshots']:
        attributes = api('rds', 'describe_db_snapshot_attributes',
                         DBSnapshotIdentifier=snapshot['DBSnapshotIdentifier'])
        restore = attributes['DBSnapshotAttributesResult']['DBSnapshotAttributes'][0]
        failed = {'RDS.1'} if 'all' in restore['AttributeValues'] else set()
        if not snapshot['Encrypted']:
            failed.add('RDS.4')
        report[snapshot['DBSnapshotIdentifier']] = failed
    for snapshot in api('rds', 'describe_db_cluster_snapshots')['DBClusterSnapshots']:
        attributes = api('rds', 'describe_db_cluster_snapshot_attributes',
                         DBClusterSnapshotIdentifier=snapshot['DBClusterSnapshotIdentifier'])
        restore = (attributes['DBClusterSnapshotAttributesResult']
                   ['DBClusterSnapshotAttributes'][0])
        failed = {'RDS.1'} if 'all' in restore['AttributeValues'] else set()
        if not snapshot['StorageEncrypted']:
            failed.add('RDS.4')
        report[snapshot['DBClusterSnapshotIdentifier']] = failed
    detector = api('guardduty', 'list_detectors')['DetectorIds'][0]
    features = api('guardduty', 'get_detector', DetectorId=detector)['Features']
    report['guardduty'] = set() if {'Name': 'RDS_LOGIN_EVENTS', 'Status': 'ENABLED'} in [
        {k: f[k] for k in ('Name', 'Status')} for f in features] else {'rds-protection'}
    return {resource: failed for resource, failed in report.items() if failed}


class Posture(unittest.TestCase):
    maxDiff = None

    def test_clean_passes_every_check(self):
        with harness.Rig(harness.scenario('clean.json'), extra_env={'PGPORT': '6432'}) as rig:
            self.assertEqual(posture(rig), {})

    def test_demo_fails_what_its_story_needs(self):
        with harness.Rig(harness.scenario('demo.json'), extra_env={'PGPORT': '55432'}) as rig:
            report = posture(rig)
        self.assertEqual(report, {
            'orders-prod': {'log_statement', 'pgaudit', 'minor'},
            'analytics-legacy': {'RDS.2', 'RDS.3', 'RDS.38', 'tls-floor', 'log_connections',
                                 'log_statement', 'pgaudit', 'certificate', 'RDS.10', 'RDS.11',
                                 'RDS.8', 'RDS.5', 'RDS.13', 'RDS.9', 'RDS.6', 'RDS.24', 'RDS.17',
                                 'secret', 'open-sg', 'minor', 'forced-maintenance'},
            'billing-staging': {'log_statement', 'RDS.10', 'RDS.11', 'RDS.8', 'RDS.5', 'RDS.6',
                                'secret', 'minor'},
            'payments-aurora-1': {'log_connections', 'pgaudit', 'minor'},
            'payments-aurora-2': {'log_connections', 'pgaudit', 'minor'},
            'payments-aurora': {'RDS.38'},
            'analytics-legacy-export-2023': {'RDS.1', 'RDS.4'},
            'payments-aurora-before-kms': {'RDS.4'},
        })


if __name__ == '__main__':
    harness.main()
