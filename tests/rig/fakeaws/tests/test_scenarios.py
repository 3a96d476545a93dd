#!/usr/bin/python3
"""Scenario files: every shipped scenario loads; a misspelled or mistyped
member is refused with the path that holds it; templates, counts and
$env values expand as tests/rig/README.md says; the demo has what the issue
asks for, and its incident really unfolds; the fleet answers batched metrics."""

import copy
import datetime
import glob
import json
import os
import socket
import subprocess
import time
import unittest

import harness

from fakeaws.clock import ScenarioClock                 # noqa: E402
from fakeaws.scenario import ScenarioError, expand, load  # noqa: E402
from fakeaws.server import App                          # noqa: E402

UTC = datetime.timezone.utc
BRUTE_FORCE = 'CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce'
FAILOVER = {'Multi-AZ instance failover started.',
            'Multi-AZ failover to standby complete - DNS propagation may take a few minutes.',
            'Multi-AZ instance failover completed.'}


def build(doc, environ=None):
    """The running state a scenario document gives (raises ScenarioError)."""
    return App(expand(copy.deepcopy(doc), environ or {}), ScenarioClock())


def raw(name):
    with open(harness.scenario(name), encoding='utf-8') as f:
        return json.load(f)


def instance(doc, identifier):
    return next(e for e in doc['instances']
                if e['attributes']['DBInstanceIdentifier'] == identifier)


class Loading(unittest.TestCase):
    def test_every_shipped_scenario_loads(self):
        files = sorted(glob.glob(os.path.join(harness.SCENARIOS, '*.json')))
        self.assertGreaterEqual(len(files), 5)
        for path in files:
            with self.subTest(scenario=os.path.basename(path)):
                App(load(path, {}), ScenarioClock())

    def refused(self, doc, *fragments):
        with self.assertRaises(ScenarioError) as raised:
            build(doc)
        for fragment in fragments:
            self.assertIn(fragment, str(raised.exception))

    def test_misspelled_and_mistyped_members_are_refused(self):
        doc = raw('clean.json')
        broken = copy.deepcopy(doc)
        broken['instances'][0]['attributes']['PubliclyAcessible'] = False
        self.refused(broken, 'instances[0].attributes', 'Unknown parameter', 'PubliclyAcessible')
        broken = copy.deepcopy(doc)
        broken['instances'][0]['attributes']['BackupRetentionPeriod'] = '14'
        self.refused(broken, 'instances[0].attributes', 'Invalid type', 'BackupRetentionPeriod')
        broken = copy.deepcopy(doc)
        broken['instances'][0]['apear_at'] = 60
        self.refused(broken, 'instances[0]', "unknown key(s) ['apear_at']")
        broken = copy.deepcopy(doc)
        broken['guardduty']['detectors'][0]['attributes']['Features'][0]['Stauts'] = 'ENABLED'
        self.refused(broken, 'guardduty.detectors[0].attributes', 'Stauts')
        broken = copy.deepcopy(doc)
        broken['security_groups'][0]['attributes']['IpPermissions'][0]['FromPort'] = 'all'
        self.refused(broken, 'security_groups[0].attributes', 'FromPort')

    def test_other_mistakes_are_refused(self):
        doc = raw('clean.json')
        cases = [
            (['instances', 0, 'template'], 'nope', "unknown template 'nope'"),
            (['instances', 0, 'region'], 'mars-north-1', "region 'mars-north-1' is not in"),
            (['instances', 0, 'postgres_log', 0, 'kind'], 'password_faild', 'unknown kind'),
            (['instances', 0, 'metrics', 'CPUUtilization', 'basline'], 1, 'basline'),
            (['faults'], [{'service': 'rds', 'kind': 'slow'}], 'fault kind must be one of'),
            (['imds', 'role'], 'arn:aws:iam::210987654321:role/none', 'is not in "roles"'),
        ]
        for path, value, message in cases:
            with self.subTest(path=path):
                broken = copy.deepcopy(doc)
                target = broken
                for step in path[:-1]:
                    target = target.setdefault(step, {}) if isinstance(step, str) else target[step]
                target[path[-1]] = value
                self.refused(broken, message)

    def test_templates_counts_and_environment(self):
        template = {'attributes': {'Engine': 'postgres', 'TagList': [{'Key': 'a', 'Value': 'b'}],
                                   'Endpoint': {'Address': 'x', 'Port': 1}}}
        entry = {'template': 'db', 'count': 3, 'first': 8,
                 'attributes': {'DBInstanceIdentifier': 'db-{n:03}-{n}', 'TagList': [],
                                'Endpoint': {'Port': {'$env': 'PGPORT', 'default': 7}}}}
        doc = {'regions': ['us-east-1'], 'accounts': [{'id': '111111111111'}],
               'credentials': [{'access_key_id': 'AKIAEXAMPLE000000001', 'secret_access_key': 's'}],
               'templates': {'db': template}, 'instances': [entry]}
        expanded = expand(copy.deepcopy(doc), {'PGPORT': '6000'})
        self.assertEqual([i['attributes']['DBInstanceIdentifier'] for i in expanded['instances']],
                         ['db-008-8', 'db-009-9', 'db-010-10'])
        first = expanded['instances'][0]['attributes']
        self.assertEqual(first['Endpoint'], {'Address': 'x', 'Port': 6000})   # objects merge
        self.assertEqual(first['TagList'], [])                                  # lists replace
        self.assertNotIn('templates', expanded)
        unset = expand(copy.deepcopy(doc), {})['instances'][0]['attributes']
        self.assertEqual(unset['Endpoint']['Port'], 7)

    def test_expand_command(self):
        done = subprocess.run([os.path.join(harness.RIG, 'expand'), harness.scenario('demo.json')],
                              env=dict(os.environ, PGPORT='55432'), capture_output=True, text=True,
                              timeout=30, check=True)
        doc = json.loads(done.stdout)
        self.assertEqual(instance(doc, 'orders-prod')['attributes']['Endpoint']['Port'], 55432)


class Demo(unittest.TestCase):
    """tests/rig/scenarios/demo.json as issue 3 item 7 describes it."""

    @classmethod
    def setUpClass(cls):
        cls.doc = load(harness.scenario('demo.json'), {'PGPORT': '55432'})

    def test_fleet_shape(self):
        standalone = [e for e in self.doc['instances']
                      if 'DBClusterIdentifier' not in e['attributes']]
        self.assertGreaterEqual(len(standalone), 3)
        aurora = [c for c in self.doc['clusters']
                  if c['attributes']['Engine'] == 'aurora-postgresql']
        self.assertGreaterEqual(len(aurora), 1)
        prod = instance(self.doc, 'orders-prod')['attributes']
        self.assertEqual(prod['Endpoint']['Address'], '127.0.0.1')
        self.assertEqual(prod['Endpoint']['Port'], 55432)
        self.assertEqual(prod['MasterUsername'], 'dbmaster')
        default = load(harness.scenario('demo.json'), {})
        self.assertEqual(instance(default, 'orders-prod')['attributes']['Endpoint']['Port'], 5432)

    def test_other_endpoints_refuse_at_once(self):
        for entry in self.doc['instances']:
            endpoint = entry['attributes']['Endpoint']
            if entry['attributes']['DBInstanceIdentifier'] == 'orders-prod':
                continue
            with self.subTest(instance=entry['attributes']['DBInstanceIdentifier']):
                started = time.monotonic()
                with self.assertRaises(ConnectionRefusedError):
                    socket.create_connection((endpoint['Address'], endpoint['Port']), timeout=2)
                self.assertLess(time.monotonic() - started, 0.5)

    def test_critical_conditions_at_start(self):
        analytics = instance(self.doc, 'analytics-legacy')
        attributes = analytics['attributes']
        self.assertEqual(attributes['BackupRetentionPeriod'], 0)
        self.assertTrue(attributes['PubliclyAccessible'])
        self.assertFalse(attributes['StorageEncrypted'])
        group_id = attributes['VpcSecurityGroups'][0]['VpcSecurityGroupId']
        group = next(g['attributes'] for g in self.doc['security_groups']
                     if g['attributes']['GroupId'] == group_id)
        port = attributes['Endpoint']['Port']
        self.assertTrue(any(r['FromPort'] <= port <= r['ToPort'] and
                            {'CidrIp': '0.0.0.0/0'}.items() <= r['IpRanges'][0].items()
                            for r in group['IpPermissions']))
        self.assertEqual(attributes['CertificateDetails']['ValidTill'], 20 * 86400)
        self.assertTrue(any('ForcedApplyDate' in a for a in analytics['pending_maintenance']))

    def test_present_at_start(self):
        prod_log = instance(self.doc, 'orders-prod')['postgres_log']
        self.assertTrue(any(e['kind'] == 'password_failed' and e['at'] < 0 for e in prod_log))
        findings = self.doc['guardduty']['detectors'][0]['findings']
        self.assertTrue(any(f['at'] < 0 for f in findings))
        self.assertTrue(all(f['attributes']['Resource']['ResourceType'] == 'RDSDBInstance'
                            for f in findings))
        self.assertTrue(any(-3600 <= e['at'] < 0 for e in self.doc['events']))

    def test_incident_timeline(self):
        prod = instance(self.doc, 'orders-prod')
        burst = [e for e in prod['postgres_log']
                 if e['kind'] == 'password_failed' and 0 < e['at'] <= 600]
        self.assertEqual({e['host'] for e in burst}, {'185.220.101.34'})
        self.assertGreaterEqual(sum(e.get('repeat', 1) for e in burst), 50)
        findings = self.doc['guardduty']['detectors'][0]['findings']
        self.assertTrue(any(f['at'] > 0 and f['attributes']['Type'] == BRUTE_FORCE
                            for f in findings))
        spikes = prod['metrics']['CPUUtilization']['spikes']
        self.assertTrue(any(s['at'] > 0 and s['value'] >= 90 for s in spikes))
        failover = {e['attributes']['Message'] for e in self.doc['events'] if e['at'] > 0}
        self.assertLessEqual(FAILOVER, failover)

    def test_incident_unfolds_on_a_running_endpoint(self):
        with harness.Rig(harness.scenario('demo.json'), speed=100,
                         extra_env={'PGPORT': '55432'}) as rig:
            time.sleep(max(0.0, 5.2 - rig.control('GET', '/time')['scenario_seconds'] / 100))
            self.assertGreater(rig.control('GET', '/time')['scenario_seconds'], 500)
            events = rig.client('rds').describe_events(SourceType='db-instance', Duration=60)
            self.assertLessEqual(FAILOVER, {e['Message'] for e in events['Events']})
            guardduty = rig.client('guardduty')
            detector = guardduty.list_detectors()['DetectorIds'][0]
            ids = guardduty.list_findings(DetectorId=detector, FindingCriteria={
                'Criterion': {'type': {'Eq': [BRUTE_FORCE]}}})['FindingIds']
            self.assertEqual(len(ids), 1)
            now = datetime.datetime.now(UTC)
            cpu = rig.client('cloudwatch').get_metric_data(
                MetricDataQueries=[{'Id': 'cpu', 'MetricStat': {'Metric': {
                    'Namespace': 'AWS/RDS', 'MetricName': 'CPUUtilization',
                    'Dimensions': [{'Name': 'DBInstanceIdentifier', 'Value': 'orders-prod'}]},
                    'Period': 60, 'Stat': 'Maximum'}}],
                StartTime=now - datetime.timedelta(minutes=5), EndTime=now)
            self.assertEqual(max(cpu['MetricDataResults'][0]['Values']), 97.0)
            failures = rig.client('logs').filter_log_events(
                logGroupName='/aws/rds/instance/orders-prod/postgresql',
                filterPattern='"password authentication failed" 185.220.101.34')['events']
            self.assertEqual(len(failures), 75)
            prod = rig.client('rds').describe_db_instances(DBInstanceIdentifier='orders-prod')
            self.assertEqual(prod['DBInstances'][0]['AvailabilityZone'], 'us-east-1b')


class Fleets(unittest.TestCase):
    def test_230_instances_times_8_metrics_in_500_query_batches(self):
        names = ['CPUUtilization', 'DatabaseConnections', 'FreeableMemory', 'FreeStorageSpace',
                 'ReadIOPS', 'WriteIOPS', 'ReadLatency', 'WriteLatency']
        with harness.Rig(harness.scenario('fleet-230.json')) as rig:
            instances = rig.client('rds').get_paginator('describe_db_instances').paginate()
            identifiers = [i['DBInstanceIdentifier']
                           for page in instances for i in page['DBInstances']]
            self.assertEqual(len(identifiers), 230)
            queries = [{'Id': f'q{n}', 'MetricStat': {'Metric': {
                'Namespace': 'AWS/RDS', 'MetricName': metric,
                'Dimensions': [{'Name': 'DBInstanceIdentifier', 'Value': identifier}]},
                'Period': 300, 'Stat': 'Average'}}
                for n, (identifier, metric) in enumerate(
                    (i, m) for i in identifiers for m in names)]
            now = datetime.datetime.now(UTC)
            cloudwatch = rig.client('cloudwatch')
            answered = 0
            for start in range(0, len(queries), 500):
                results = cloudwatch.get_metric_data(
                    MetricDataQueries=queries[start:start + 500],
                    StartTime=now - datetime.timedelta(minutes=15), EndTime=now)
                answered += sum(1 for r in results['MetricDataResults'] if r['Values'])
            self.assertEqual(answered, 1840)
            self.assertEqual(rig.count('cloudwatch', 'GetMetricData'), 4)
            with self.assertRaises(Exception) as raised:
                cloudwatch.get_metric_data(MetricDataQueries=queries[:501],
                                           StartTime=now - datetime.timedelta(minutes=15),
                                           EndTime=now)
            self.assertIn('must not have a size greater than 500', str(raised.exception))

    def test_bench_20(self):
        doc = load(harness.scenario('bench-20.json'), {})
        self.assertEqual(len(doc['instances']), 20)
        app = App(doc, ScenarioClock())
        self.assertEqual(len(app.world.all('finding')), 20)


if __name__ == '__main__':
    harness.main()
