#!/usr/bin/python3
"""Posture checks and alerts against the fake AWS endpoint's scenarios.

The scenario files (tests/rig/scenarios) describe what AWS answers. This
test turns the demo and the clean scenario, at their minute 0, into the
records the rds, ec2 and guardduty sources would produce, runs the rules
on them (tests/it/rules_eval: the real rules_evaluate and report code),
and compares every check of every instance and cluster with an oracle
written here from the raw AWS attributes, apart from the C evaluators.
The oracle is checked in turn against what the demo's author expects
(tests/rig/fakeaws/tests/test_posture.py). The end-to-end version (rds source ->
checks) comes with the sources.
"""

import datetime
import json
import os
import subprocess
import sys

TOP = os.environ.get('top_srcdir', os.path.join(os.path.dirname(__file__), '..', '..'))
BUILD = os.environ.get('top_builddir', os.path.join(TOP, 'build'))
NOW = datetime.datetime(2026, 11, 22, 12, 0, 0, tzinfo=datetime.timezone.utc)
DAY = 86400
DEFAULT_USERS = {'postgres', 'admin', 'root'}
PORT = 6432     # orders-prod's endpoint is $PGPORT

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)


def at(rel):
    """A scenario time (seconds from its start) as ISO 8601."""
    return (NOW + datetime.timedelta(seconds=rel)).strftime('%Y-%m-%dT%H:%M:%SZ')


def expand(name):
    env = dict(os.environ, PGPORT=str(PORT))
    out = subprocess.run(['/usr/bin/python3', os.path.join(TOP, 'tests/rig/fakeaws/expand'),
                          os.path.join(TOP, 'tests/rig/scenarios', name)],
                         env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


# ---- the scenario as records (what the sources would observe) ----------

def params_of(scn, group, cluster=False):
    groups = scn.get('cluster_parameter_groups' if cluster else 'parameter_groups', [])
    for g in groups:
        if g['name'] == group:
            return {p['ParameterName']: p.get('ParameterValue') for p in g['parameters']}
    return {}


def newer_minors(scn, engine, version):
    for ev in scn.get('engine_versions', []):
        a = ev['attributes']
        if a['Engine'] == engine and a['EngineVersion'] == version:
            return [t['EngineVersion'] for t in a.get('ValidUpgradeTarget', [])
                    if not t.get('IsMajorVersionUpgrade')]
    return []


def snapshots_of(scn, ident, cluster=False):
    """An instance's DB snapshots or an Aurora cluster's cluster snapshots,
    each with 'Encrypted' (a cluster snapshot's is StorageEncrypted)."""
    if cluster:
        return [dict(s, attributes=dict(s['attributes'], Encrypted=s['attributes']['StorageEncrypted']))
                for s in scn.get('cluster_snapshots', [])
                if s['attributes']['DBClusterIdentifier'] == ident]
    return [s for s in scn.get('snapshots', [])
            if s['attributes'].get('DBInstanceIdentifier') == ident]


def sg_rules(scn, ident, group_ids, port):
    rules = []
    for g in scn.get('security_groups', []):
        a = g['attributes']
        if a['GroupId'] not in group_ids:
            continue
        for perm in a.get('IpPermissions', []):
            proto = perm['IpProtocol']
            lo, hi = perm.get('FromPort', 0), perm.get('ToPort', 65535)
            covers = proto == '-1' or lo <= port <= hi
            sources = ([r['CidrIp'] for r in perm.get('IpRanges', [])] +
                       [r['CidrIpv6'] for r in perm.get('Ipv6Ranges', [])] +
                       [p['GroupId'] for p in perm.get('UserIdGroupPairs', [])])
            for src in sources:
                rules.append({'instance': ident, 'group_id': a['GroupId'],
                              'group_name': a.get('GroupName'), 'protocol': proto,
                              'from_port': lo, 'to_port': hi, 'source': src,
                              'covers_db_port': covers,
                              'wide_open': src in ('0.0.0.0/0', '::/0')})
    return rules


def instance_record(scn, a, kind, extra):
    ident = a['DBInstanceIdentifier'] if kind == 'instance' else a['DBClusterIdentifier']
    snaps = snapshots_of(scn, ident, kind == 'cluster')
    port = a['Endpoint']['Port'] if kind == 'instance' else a['Port']
    ca = a.get('CertificateDetails') if kind == 'instance' else None
    rec = {
        'id': ident, 'kind': kind, 'region': scn['regions'][0],
        'account_id': scn['accounts'][0]['id'], 'engine': a['Engine'],
        'engine_version': a['EngineVersion'],
        'status': a.get('DBInstanceStatus', a.get('Status')),
        'cluster_id': a.get('DBClusterIdentifier') if kind == 'instance' else None,
        'endpoint_port': port,
        'allocated_storage_gib': a.get('AllocatedStorage'),
        'publicly_accessible': a.get('PubliclyAccessible'),
        'storage_encrypted': a.get('StorageEncrypted'), 'kms_key_id': a.get('KmsKeyId'),
        'iam_auth': a.get('IAMDatabaseAuthenticationEnabled'),
        'backup_retention_days': a.get('BackupRetentionPeriod'),
        'latest_restorable_time': at(-extra.get('restore_lag', 120)),
        'deletion_protection': a.get('DeletionProtection'), 'multi_az': a.get('MultiAZ'),
        'auto_minor_upgrade': a.get('AutoMinorVersionUpgrade'),
        'copy_tags_to_snapshot': a.get('CopyTagsToSnapshot'),
        'log_exports': a.get('EnabledCloudwatchLogsExports', []),
        'monitoring_interval_s': a.get('MonitoringInterval'),
        'master_username': a.get('MasterUsername'),
        'master_user_secret_arn': (a.get('MasterUserSecret') or {}).get('SecretArn'),
        'ca_certificate_id': ca['CAIdentifier'] if ca else None,
        'ca_valid_till': at(ca['ValidTill']) if ca else None,
        'parameter_group': (a['DBParameterGroups'][0]['DBParameterGroupName'] if kind == 'instance'
                            else a['DBClusterParameterGroup']),
        'security_groups': [g['VpcSecurityGroupId'] for g in a.get('VpcSecurityGroups', [])],
        'newer_minor_versions': newer_minors(scn, a['Engine'], a['EngineVersion']),
        'public_snapshots': sum('all' in s.get('restore', []) for s in snaps),
        'unencrypted_snapshots': sum(not s['attributes'].get('Encrypted') for s in snaps),
        'observed_at': at(0),
    }
    return rec


def records(scn):
    rec = {k: [] for k in ('instances', 'parameters', 'pending_maintenance',
                           'security_group_rules', 'accounts', 'sources')}
    resources = ([('instance', i) for i in scn['instances']] +
                 [('cluster', c) for c in scn.get('clusters', [])])
    for kind, r in resources:
        a = r['attributes']
        inst = instance_record(scn, a, kind, r)
        rec['instances'].append(inst)
        for name, value in params_of(scn, inst['parameter_group'], kind == 'cluster').items():
            rec['parameters'].append({'instance': inst['id'], 'source': 'parameter_group',
                                      'name': name, 'value': value})
        for m in r.get('pending_maintenance', []):
            rec['pending_maintenance'].append({
                'instance': inst['id'], 'action': m['Action'], 'description': m.get('Description'),
                'forced_apply_date': at(m['ForcedApplyDate']) if 'ForcedApplyDate' in m else None,
                'auto_applied_after': (at(m['AutoAppliedAfterDate'])
                                       if 'AutoAppliedAfterDate' in m else None)})
        if kind == 'instance':
            rec['security_group_rules'] += sg_rules(scn, inst['id'], inst['security_groups'],
                                                    inst['endpoint_port'])
    for det in scn.get('guardduty', {}).get('detectors', []):
        a = det['attributes']
        rds = [f for f in a.get('Features', []) if f['Name'] == 'RDS_LOGIN_EVENTS']
        rec['accounts'].append({'region': scn['regions'][0], 'account_id': scn['accounts'][0]['id'],
                                'guardduty_detector_id': det.get('id', 'detector-0'),
                                'guardduty_status': a.get('Status', 'ENABLED'),
                                'guardduty_rds_protection': bool(rds) and rds[0]['Status'] == 'ENABLED'})
    for source in ('rds', 'ec2', 'guardduty'):
        rec['sources'].append({'source': source, 'instance': '', 'ok': True,
                               'consecutive_failures': 0, 'last_success': at(0)})
    return rec


def evaluate(scn):
    doc = json.dumps({'at': at(0), 'records': records(scn)})
    run = subprocess.run([os.path.join(BUILD, 'tests/it/rules_eval')], input=doc,
                         capture_output=True, text=True)
    check(run.returncode in (0, 1, 2, 3), 'rules_eval ran (%d: %s)' % (run.returncode, run.stderr))
    return json.loads(run.stdout), run.returncode


# ---- the oracle: expected check results from the raw attributes --------

def oracle(scn, live=None, at_s=0, speed=1):
    """{resource: {check: 'fail' | 'unknown'}}; every other check passes.
    LIVE: {instance: {'settings': {name: value}, 'public_schema_create':
    'pass' | 'fail'}} for instances whose PostgreSQL answers (end-to-end
    runs): the server's settings (booleans as '1'/'0') count as one more
    place the setting is read, the worst deciding. AT_S and SPEED: the
    scenario second judged and the endpoint's speed (the rules count the
    time left to an expiry in wall time)."""
    live = live or {}
    clusters = {c['attributes']['DBClusterIdentifier']: c for c in scn.get('clusters', [])}

    def settings(a, cluster):
        found = [params_of(scn, a['DBParameterGroups'][0]['DBParameterGroupName'])]
        if cluster is not None:
            found.append(params_of(scn, cluster['attributes']['DBClusterParameterGroup'], True))
        server = live.get(a['DBInstanceIdentifier'], {}).get('settings')
        if server is not None:
            found.append(server)
        return found

    def judge_settings(groups):
        out = {}

        def values(name):
            return [g[name] for g in groups if g.get(name) is not None]

        for check_id, name, bad in (
                ('tls_enforced', 'rds.force_ssl', lambda v: v != '1'),
                ('tls_min_version', 'ssl_min_protocol_version', lambda v: v in ('TLSv1', 'TLSv1.1')),
                ('log_connections', 'log_connections', lambda v: v != '1'),
                ('log_statement', 'log_statement', lambda v: v in ('all', 'ddl', 'mod')),
                ('pgaudit', 'shared_preload_libraries', lambda v: 'pgaudit' not in v)):
            vs = values(name)
            if not vs:
                out[check_id] = 'unknown'
            elif any(bad(v) for v in vs):
                out[check_id] = 'fail'
        return out

    def instance(r):
        a = r['attributes']
        cluster = clusters.get(a.get('DBClusterIdentifier'))
        owner = cluster['attributes'] if cluster else a
        out = judge_settings(settings(a, cluster))
        actions = r.get('pending_maintenance', []) + (cluster or {}).get('pending_maintenance', [])
        port = owner['Port'] if cluster else a['Endpoint']['Port']
        snaps = (snapshots_of(scn, owner['DBClusterIdentifier'], True) if cluster
                 else snapshots_of(scn, a['DBInstanceIdentifier']))
        groups = {g['attributes']['GroupId']: g['attributes'] for g in scn.get('security_groups', [])}
        open_world = any(
            (perm['IpProtocol'] == '-1' or perm.get('FromPort', 0) <= a['Endpoint']['Port'] <= perm.get('ToPort', -1)) and
            ({r2['CidrIp'] for r2 in perm.get('IpRanges', [])} & {'0.0.0.0/0'} or
             {r2['CidrIpv6'] for r2 in perm.get('Ipv6Ranges', [])} & {'::/0'})
            for g in a.get('VpcSecurityGroups', [])
            for perm in groups.get(g['VpcSecurityGroupId'], {}).get('IpPermissions', []))
        failed = {
            'public_access': a['PubliclyAccessible'],
            'storage_encrypted': not owner['StorageEncrypted'],
            'ca_certificate': (a['CertificateDetails']['ValidTill'] - at_s) / speed <= 90 * DAY,
            'iam_auth': not owner['IAMDatabaseAuthenticationEnabled'],
            'backups': owner['BackupRetentionPeriod'] < 7,
            'deletion_protection': not owner['DeletionProtection'],
            'multi_az': not owner['MultiAZ'],
            'auto_minor_upgrade': not a['AutoMinorVersionUpgrade'],
            'maintenance': any('ForcedApplyDate' in m or 'AutoAppliedAfterDate' in m for m in actions),
            'engine_minor': any(t.split('.')[0] == a['EngineVersion'].split('.')[0]
                                for t in newer_minors(scn, a['Engine'], a['EngineVersion'])),
            'log_exports': 'postgresql' not in owner.get('EnabledCloudwatchLogsExports', []),
            'enhanced_monitoring': a['MonitoringInterval'] == 0,
            'default_port': port == 5432,
            'master_username': owner['MasterUsername'].lower() in DEFAULT_USERS,
            'snapshots_private': any('all' in s.get('restore', []) for s in snaps),
            'snapshots_encrypted': any(not s['attributes']['Encrypted'] for s in snaps),
            'copy_tags': not owner['CopyTagsToSnapshot'],
            'security_groups': open_world,
            'master_password_secret': 'MasterUserSecret' not in owner,
        }
        out.update({k: 'fail' for k, v in failed.items() if v})
        # Unknown without a PostgreSQL source.
        out['public_schema_create'] = live.get(a['DBInstanceIdentifier'], {}).get(
            'public_schema_create', 'unknown')
        rds = [f for d in scn['guardduty']['detectors'] for f in d['attributes'].get('Features', [])
               if f['Name'] == 'RDS_LOGIN_EVENTS']
        if not rds or rds[0]['Status'] != 'ENABLED':
            out['guardduty_rds'] = 'fail'
        return out

    result = {r['attributes']['DBInstanceIdentifier']: instance(r) for r in scn['instances']}
    instance_level = {'public_access', 'tls_enforced', 'tls_min_version', 'ca_certificate',
                      'auto_minor_upgrade', 'maintenance', 'engine_minor', 'enhanced_monitoring',
                      'security_groups', 'pgaudit', 'log_connections', 'log_statement',
                      'guardduty_rds', 'public_schema_create'}
    for ident, c in clusters.items():
        members = [m['DBInstanceIdentifier'] for m in c['attributes']['DBClusterMembers']]
        out = {}
        # Instance-level: the worst member; cluster-level: as its members read them.
        for chk in instance_level:
            states = [result[m].get(chk, 'pass') for m in members]
            worst = 'fail' if 'fail' in states else 'unknown' if 'unknown' in states else None
            if worst:
                out[chk] = worst
        for chk, state in result[members[0]].items():
            if chk not in instance_level:
                out[chk] = state
        result[ident] = out
    return result


# What fakeaws's author expects the demo to fail at its start
# (tests/rig/fakeaws/tests/test_posture.py, in its names), mapped to
# check ids. For standalone instances the sets must be equal. Aurora is
# judged more strictly here (members read rds.force_ssl, the port and
# pending maintenance from their cluster), so there theirs is a subset.
THEIR_NAMES = {
    'RDS.2': 'public_access', 'RDS.3': 'storage_encrypted', 'RDS.38': 'tls_enforced',
    'tls-floor': 'tls_min_version', 'log_connections': 'log_connections',
    'log_statement': 'log_statement', 'pgaudit': 'pgaudit', 'certificate': 'ca_certificate',
    'RDS.10': 'iam_auth', 'RDS.11': 'backups', 'RDS.8': 'deletion_protection',
    'RDS.5': 'multi_az', 'RDS.13': 'auto_minor_upgrade', 'RDS.9': 'log_exports',
    'RDS.6': 'enhanced_monitoring', 'RDS.24': 'master_username', 'RDS.17': 'copy_tags',
    'secret': 'master_password_secret', 'open-sg': 'security_groups', 'minor': 'engine_minor',
    'forced-maintenance': 'maintenance',
}
THEIRS = {
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
}
# Their snapshot resources analytics-legacy-export-2023 {RDS.1, RDS.4} and
# payments-aurora-before-kms {RDS.4} are, here, checks of the instance or
# cluster they belong to.
THEIR_SNAPSHOTS = {'analytics-legacy': {'snapshots_private', 'snapshots_encrypted'},
                   'payments-aurora': {'snapshots_encrypted'}}


def compare(name, scn, report):
    want = oracle(scn)
    got = {}
    for inst in report['instances']:
        got[inst['id']] = {c['check_id']: c['status'] for c in inst['checks']}
        check(len(inst['checks']) == 26, '%s %s: 26 checks' % (name, inst['id']))
    check(set(got) == set(want), '%s: the same resources (%s vs %s)' % (name, sorted(got), sorted(want)))
    for ident, checks in got.items():
        for chk, status in checks.items():
            expected = want.get(ident, {}).get(chk, 'pass')
            check(status == expected, '%s %s %s: %s, oracle says %s' % (name, ident, chk, status, expected))
        print('%s %s: failing %s' % (name, ident, sorted(c for c, s in checks.items() if s == 'fail')))
    return want


def main():
    demo = expand('demo.json')
    report, code = evaluate(demo)
    want = compare('demo', demo, report)
    for ident, names in THEIRS.items():
        theirs = {THEIR_NAMES[n] for n in names} | THEIR_SNAPSHOTS.get(ident, set())
        ours = {c for c, s in want[ident].items() if s == 'fail'}
        if 'aurora' in ident:
            check(theirs <= ours, 'demo %s: %s within %s' % (ident, sorted(theirs), sorted(ours)))
        else:
            check(theirs == ours, 'demo %s: fakeaws expects %s, the oracle %s'
                  % (ident, sorted(theirs), sorted(ours)))
    fails = sum(s == 'fail' for w in want.values() for s in w.values())
    check(fails > 40, 'demo: many failures (%d)' % fails)

    # A few alerts the scenario's attributes imply at its start.
    alerts = {a['key']: a for inst in report['instances'] for a in inst['alerts']}
    for key, severity in (('backup:analytics-legacy', 'critical'),
                          ('ca_certificate:analytics-legacy', 'critical'),
                          ('forced_maintenance:analytics-legacy:system-update', 'warning')):
        check(key in alerts and alerts[key]['severity'] == severity,
              'demo alert %s %s (%s)' % (key, severity, alerts.get(key)))
    check('backup:billing-staging' not in alerts, 'no backup alert for a 1-day retention')
    check(code == 2, 'demo: exit status 2 (critical alerts), got %d' % code)

    clean = expand('clean.json')
    report, code = evaluate(clean)
    want = compare('clean', clean, report)
    fails = {(i, c) for i, w in want.items() for c, s in w.items() if s == 'fail'}
    check(not fails, 'clean: no failing check (%s)' % sorted(fails))
    check(code == 0, 'clean: exit status 0, got %d' % code)

    print('%d problems' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
