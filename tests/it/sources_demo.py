#!/usr/bin/python3
"""`rdswatch once --format json` against the local AWS endpoint's demo
scenario and a PostgreSQL rig standing in for orders-prod: every instance,
cluster, event, finding, failed login, pending action, security group rule
and metric value the scenario declares is in the report, field by field,
with the values computed here from the expanded scenario (tests/rig/fakeaws/
expand) and the metric formula of tests/rig/README.md - not copied from a
run. And every session opened on the rig - plaintext, TLS, idle, a randomly
named member of rds_superuser and a non-member called admin - is there with
the right flags.

The scenario plays at speed 100, so its whole incident (60 s to 600 s) has
happened when rdswatch looks at second 700."""

import datetime
import os
import secrets
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sources_lib as L  # noqa: E402

SPEED = 100
DAY = 86400
READ_PARAMETERS = {'rds.force_ssl', 'ssl_min_protocol_version', 'log_connections',
                   'log_disconnections', 'log_statement', 'shared_preload_libraries',
                   'password_encryption'}
DECLARED_METRICS = ['CPUUtilization', 'DatabaseConnections', 'ReadIOPS', 'DiskQueueDepth',
                    'FreeableMemory', 'FreeStorageSpace', 'BurstBalance', 'VolumeBytesUsed']
# tests/rig/README.md, "CloudWatch metrics": unit, baseline, noise, min, max.
METRIC_DEFAULTS = {
    'CPUUtilization': ('Percent', 12, 4, 0, 100), 'DatabaseConnections': ('Count', 20, 3, 0, None),
    'FreeableMemory': ('Bytes', 4e9, 5e7, 0, None), 'FreeStorageSpace': ('Bytes', 8e10, 1e8, 0, None),
    'ReadIOPS': ('Count/Second', 50, 10, 0, None), 'DiskQueueDepth': ('Count', 0.5, 0.2, 0, None),
    'BurstBalance': ('Percent', 100, 0, 0, 100), 'VolumeBytesUsed': ('Bytes', 1.2e10, 0, 0, None),
}
# Event ids the README and domain.md section 6 give for the demo's messages.
EVENT_IDS = {
    'Backing up DB instance': 'RDS-EVENT-0001', 'Finished DB instance backup': 'RDS-EVENT-0002',
    'Automated backups for this DB instance have been disabled': 'RDS-EVENT-0028',
    'Reset master credentials': 'RDS-EVENT-0016',
    'Multi-AZ instance failover started.': 'RDS-EVENT-0013',
    'Multi-AZ failover to standby complete - DNS propagation may take a few minutes.': 'RDS-EVENT-0015',
    'DB instance restarted': 'RDS-EVENT-0006', 'Multi-AZ instance failover completed.': 'RDS-EVENT-0049',
    'An operating system update is available. Apply it before it is applied automatically.':
        'RDS-EVENT-0230',
}
REASONS = {'role_missing': 'unknown_role', 'password_mismatch': 'wrong_password',
           'password_expired': 'expired_password', 'no_password': 'no_password'}


def ms(iso):
    """ISO 8601 from the report -> epoch ms."""
    if iso is None:
        return None
    d = datetime.datetime.fromisoformat(iso.replace('Z', '+00:00'))
    return round(d.timestamp() * 1000)


class Clock:
    def __init__(self, t):
        self.start = t['start_epoch']
        self.speed = t['speed']

    def wall_ms(self, s):
        """A scenario time (seconds, or an ISO string) as epoch ms."""
        if isinstance(s, str):
            return ms(s)
        return (self.start + s / self.speed) * 1000

    def scenario(self, epoch):
        return (epoch - self.start) * self.speed


def close(got, want, what, tol=2):
    check = L.check(got is not None and want is not None and abs(got - want) <= tol,
                    '%s: %s, expected %s' % (what, got, want))
    return check


# ---- the expected records ---------------------------------------------------

INSTANCE_FIELDS = {   # report field: DBInstance member (or a function)
    'engine': 'Engine', 'engine_version': 'EngineVersion', 'status': 'DBInstanceStatus',
    'instance_class': 'DBInstanceClass', 'allocated_storage_gib': 'AllocatedStorage',
    'publicly_accessible': 'PubliclyAccessible', 'storage_encrypted': 'StorageEncrypted',
    'kms_key_id': 'KmsKeyId', 'iam_auth': 'IAMDatabaseAuthenticationEnabled',
    'backup_retention_days': 'BackupRetentionPeriod', 'backup_window': 'PreferredBackupWindow',
    'maintenance_window': 'PreferredMaintenanceWindow', 'deletion_protection': 'DeletionProtection',
    'multi_az': 'MultiAZ', 'auto_minor_upgrade': 'AutoMinorVersionUpgrade',
    'copy_tags_to_snapshot': 'CopyTagsToSnapshot', 'monitoring_interval_s': 'MonitoringInterval',
    'master_username': 'MasterUsername', 'ca_certificate_id': 'CACertificateIdentifier',
    'cluster_id': 'DBClusterIdentifier',
}
CLUSTER_FIELDS = {
    'engine': 'Engine', 'engine_version': 'EngineVersion', 'status': 'Status',
    'endpoint_host': 'Endpoint', 'endpoint_port': 'Port', 'storage_encrypted': 'StorageEncrypted',
    'kms_key_id': 'KmsKeyId', 'iam_auth': 'IAMDatabaseAuthenticationEnabled',
    'backup_retention_days': 'BackupRetentionPeriod', 'backup_window': 'PreferredBackupWindow',
    'maintenance_window': 'PreferredMaintenanceWindow', 'deletion_protection': 'DeletionProtection',
    'multi_az': 'MultiAZ', 'auto_minor_upgrade': 'AutoMinorVersionUpgrade',
    'copy_tags_to_snapshot': 'CopyTagsToSnapshot', 'master_username': 'MasterUsername',
    'parameter_group': 'DBClusterParameterGroup',
}


def attributes_now(entry, s):
    a = dict(entry['attributes'])
    for change in entry.get('changes', []):
        if change['at'] <= s:
            a.update(change['attributes'])
    return a


def check_instances(scn, doc, clock, s):
    region, account = scn['regions'][0], scn['accounts'][0]['id']
    groups = {g['name']: g for g in scn['parameter_groups']}
    cgroups = {g['name']: g for g in scn.get('cluster_parameter_groups', [])}
    writers = {m['DBInstanceIdentifier']: m['IsClusterWriter']
               for c in scn['clusters'] for m in c['attributes']['DBClusterMembers']}
    want_ids = {i['attributes']['DBInstanceIdentifier'] for i in scn['instances']} | \
        {c['attributes']['DBClusterIdentifier'] for c in scn['clusters']}
    got_ids = {i['id'] for i in doc['instances']}
    L.check(got_ids == want_ids, 'instances: %s, expected %s' % (sorted(got_ids), sorted(want_ids)))
    for kind, entries in (('instance', scn['instances']), ('cluster', scn['clusters'])):
        for e in entries:
            a = attributes_now(e, s)
            ident = a['DBInstanceIdentifier' if kind == 'instance' else 'DBClusterIdentifier']
            got = L.instance(doc, ident)
            if not L.check(got is not None, '%s in the report' % ident):
                continue
            fields = INSTANCE_FIELDS if kind == 'instance' else CLUSTER_FIELDS
            for field, member in fields.items():
                L.check(got[field] == a.get(member), '%s %s: %r, expected %r' %
                        (ident, field, got[field], a.get(member)))
            L.check(got['kind'] == kind and got['region'] == region and
                    got['account_id'] == account, '%s kind, region, account' % ident)
            arn = 'arn:aws:rds:%s:%s:%s:%s' % (region, account, 'db' if kind == 'instance' else
                                                'cluster', ident)
            L.check(got['arn'] == a.get('DBInstanceArn' if kind == 'instance' else 'DBClusterArn', arn),
                    '%s arn' % ident)
            L.check(got['log_exports'] == a.get('EnabledCloudwatchLogsExports', []), '%s log_exports' % ident)
            L.check(sorted(got['tags']) == sorted('%s=%s' % (t['Key'], t['Value']) for t in a.get('TagList', [])),
                    '%s tags: %s' % (ident, got['tags']))
            L.check(got['master_user_secret_arn'] == a.get('MasterUserSecret', {}).get('SecretArn'),
                    '%s master_user_secret_arn' % ident)
            created = a.get('InstanceCreateTime' if kind == 'instance' else 'ClusterCreateTime')
            close(ms(got['created_at']), clock.wall_ms(created), '%s created_at' % ident)
            cert = a.get('CertificateDetails')
            if cert:
                close(ms(got['ca_valid_till']), clock.wall_ms(cert['ValidTill']), '%s ca_valid_till' % ident)
                L.check(got['certificate']['valid_till'] is not None, '%s certificate object' % ident)
            if a.get('BackupRetentionPeriod', 0) > 0:
                lag = e.get('restore_lag', 300)
                # Derived at the moment of the answer: within the run.
                L.check(ms(got['latest_restorable_time']) is not None and
                        abs(clock.scenario(ms(got['latest_restorable_time']) / 1000) + lag - s) < 3 * SPEED,
                        '%s latest_restorable_time' % ident)
            else:
                L.check(got['latest_restorable_time'] is None, '%s no latest_restorable_time' % ident)
            if kind == 'instance':
                L.check(got['endpoint_host'] == a['Endpoint']['Address'] and
                        got['endpoint_port'] == a['Endpoint']['Port'], '%s endpoint' % ident)
                L.check(got['parameter_group'] == a['DBParameterGroups'][0]['DBParameterGroupName'],
                        '%s parameter_group' % ident)
                role = ('writer' if writers[ident] else 'reader') if ident in writers else 'standalone'
                L.check(got['role'] == role, '%s role %s, expected %s' % (ident, got['role'], role))
                check_snapshots(scn, got, clock, ident)
                check_sg(scn, got, a)
                L.check([g['group_id'] for g in got['security_groups']] ==
                        [g['VpcSecurityGroupId'] for g in a.get('VpcSecurityGroups', [])],
                        '%s security groups %s' % (ident, got['security_groups']))
                group = groups[got['parameter_group']]
            else:
                L.check(got['role'] == 'cluster', '%s role' % ident)
                check_snapshots(scn, got, clock, ident, cluster=True)
                group = cgroups[a['DBClusterParameterGroup']]
            want_params = {p['ParameterName']: p.get('ParameterValue') for p in group['parameters']
                           if p['ParameterName'] in READ_PARAMETERS}
            got_params = {p['name']: p['value'] for p in got['parameters'] if p['source'] == 'parameter_group'}
            L.check(got_params == want_params, '%s parameters: %s, expected %s' % (ident, got_params, want_params))
            minors = []
            for v in scn['engine_versions']:
                va = v['attributes']
                if va['Engine'] == a['Engine'] and va['EngineVersion'] == a['EngineVersion']:
                    minors = [t['EngineVersion'] for t in va.get('ValidUpgradeTarget', [])
                              if not t['IsMajorVersionUpgrade']]
            L.check(got['newer_minor_versions'] == minors, '%s newer_minor_versions %s, expected %s'
                    % (ident, got['newer_minor_versions'], minors))
            want_pending = sorted((m['Action'], m.get('Description'), m.get('ForcedApplyDate'),
                                   m.get('AutoAppliedAfterDate'), m.get('CurrentApplyDate'))
                                  for m in e.get('pending_maintenance', []))
            got_pending = sorted((m['action'], m['description'], m['forced_apply_date'],
                                  m['auto_applied_after'], m['current_apply_date'])
                                 for m in got['pending_maintenance'])
            L.check(len(got_pending) == len(want_pending), '%s pending actions: %s' % (ident, got_pending))
            for g, w in zip(got_pending, want_pending):
                L.check(g[:2] == w[:2], '%s pending %s' % (ident, g))
                for k in (2, 3, 4):
                    if w[k] is None:
                        L.check(g[k] is None, '%s pending %s field %d absent' % (ident, w[0], k))
                    else:
                        close(ms(g[k]), clock.wall_ms(w[k]), '%s pending %s time %d' % (ident, w[0], k))


def check_snapshots(scn, got, clock, ident, cluster=False):
    # An Aurora cluster's are cluster snapshots, encrypted as its storage is.
    section, owner, encrypted = (('cluster_snapshots', 'DBClusterIdentifier', 'StorageEncrypted')
                                 if cluster else ('snapshots', 'DBInstanceIdentifier', 'Encrypted'))
    snaps = [x for x in scn[section] if x['attributes'].get(owner) == ident]
    if cluster:
        L.check(snaps, '%s: the scenario has cluster snapshots of it' % ident)
    auto = [clock.wall_ms(x['attributes']['SnapshotCreateTime']) for x in snaps
            if x['attributes']['SnapshotType'] == 'automated']
    manual = [clock.wall_ms(x['attributes']['SnapshotCreateTime']) for x in snaps
              if x['attributes']['SnapshotType'] != 'automated']
    L.check(got['public_snapshots'] == sum('all' in x.get('restore', []) for x in snaps),
            '%s public_snapshots %s' % (ident, got['public_snapshots']))
    L.check(got['unencrypted_snapshots'] == sum(not x['attributes'][encrypted] for x in snaps),
            '%s unencrypted_snapshots %s' % (ident, got['unencrypted_snapshots']))
    for field, times in (('newest_automated_snapshot', auto), ('newest_manual_snapshot', manual)):
        if times:
            close(ms(got[field]), max(times), '%s %s' % (ident, field))
        else:
            L.check(got[field] is None, '%s %s absent' % (ident, field))


def check_sg(scn, got, a):
    port = a['Endpoint']['Port']
    want = []
    for sg in scn['security_groups']:
        ga = sg['attributes']
        if ga['GroupId'] not in [g['VpcSecurityGroupId'] for g in a.get('VpcSecurityGroups', [])]:
            continue
        for perm in ga.get('IpPermissions', []):
            proto = perm['IpProtocol']
            lo, hi = (0, 65535) if proto == '-1' else (perm['FromPort'], perm['ToPort'])
            covers = proto == '-1' or (proto == 'tcp' and lo <= port <= hi)
            for src, desc in ([(r['CidrIp'], r.get('Description')) for r in perm.get('IpRanges', [])] +
                              [(r['CidrIpv6'], r.get('Description')) for r in perm.get('Ipv6Ranges', [])] +
                              [(p['GroupId'], p.get('Description')) for p in perm.get('UserIdGroupPairs', [])]):
                want.append((ga['GroupId'], ga.get('GroupName'), proto, lo, hi, src, desc, covers,
                             src in ('0.0.0.0/0', '::/0')))
    have = [(g['group_id'], g['group_name'], r['protocol'], r['from_port'], r['to_port'], r['source'],
             r['description'], r['covers_db_port'], r['wide_open'])
            for g in got['security_groups'] for r in g['rules']]
    L.check(sorted(have) == sorted(want), '%s security group rules:\n  %s\nexpected\n  %s'
            % (got['id'], sorted(have), sorted(want)))


def check_events(scn, doc, clock, s):
    region, account = scn['regions'][0], scn['accounts'][0]['id']
    want = {}
    for e in scn['events']:
        a = e['attributes']
        if e['at'] > s or clock.wall_ms(e['at']) < clock.wall_ms(s) - DAY * 1000:
            continue
        want.setdefault(a['SourceIdentifier'], []).append(e)
    for ident, events in want.items():
        got = L.instance(doc, ident)['events']
        L.check(len(got) == len(events), '%s: %d events, expected %d' % (ident, len(got), len(events)))
        for e in events:
            a = e['attributes']
            match = [g for g in got if g['message'] == a['Message'] and
                     abs(ms(g['time']) - clock.wall_ms(e['at'])) <= 2]
            if not L.check(len(match) == 1, '%s event %r at %s' % (ident, a['Message'], e['at'])):
                continue
            g = match[0]
            kind = 'db' if a['SourceType'] == 'db-instance' else 'cluster'
            L.check(g['source_id'] == ident and g['source_type'] == a['SourceType'] and
                    g['categories'] == a['EventCategories'] and
                    g['source_arn'] == 'arn:aws:rds:%s:%s:%s:%s' % (region, account, kind, ident),
                    '%s event %r fields: %s' % (ident, a['Message'], g))
            L.check(g['event_id'] == EVENT_IDS.get(a['Message']),
                    '%s event %r id %s' % (ident, a['Message'], g['event_id']))


def merge(base, over):
    out = dict(base)
    for k, v in over.items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def check_findings(scn, doc, clock, s):
    want = []
    for det in scn['guardduty']['detectors']:
        for f in det['findings']:
            if f['at'] <= s:
                want.append(f)
    got = [f for i in doc['instances'] for f in i['findings']]
    L.check(len(got) == len(want), '%d findings, expected %d' % (len(got), len(want)))
    for f in want:
        a = f['attributes']
        r, sv = a['Resource'], a['Service']
        ip = sv['Action']['RdsLoginAttemptAction']['RemoteIpDetails']
        user = r.get('RdsDbUserDetails', {})
        ident = r['RdsDbInstanceDetails']['DbInstanceIdentifier']
        match = [g for g in L.instance(doc, ident)['findings'] if g['type'] == a['Type'] and
                 abs(ms(g['updated_at']) - clock.wall_ms(f['at'])) <= 2]
        if not L.check(len(match) == 1, 'finding %s on %s' % (a['Type'], ident)):
            continue
        g = match[0]
        band = 'low' if a['Severity'] < 4 else 'medium' if a['Severity'] < 7 else \
            'high' if a['Severity'] < 9 else 'critical'
        expect = {'severity': a['Severity'], 'severity_label': band, 'title': a['Title'],
                  'description': a['Description'], 'count': sv.get('Count', 1),
                  'db_user': user.get('User'), 'application': user.get('Application'),
                  'database': user.get('Database'), 'auth_method': user.get('AuthMethod'),
                  'remote_ip': ip['IpAddressV4'], 'remote_country': ip.get('Country', {}).get('CountryName'),
                  'remote_org': ip.get('Organization', {}).get('AsnOrg'),
                  'action': sv['Action']['ActionType'], 'archived': False,
                  'account_id': scn['accounts'][0]['id'], 'region': scn['regions'][0]}
        for k, v in expect.items():
            L.check(g[k] == v, 'finding %s %s: %r, expected %r' % (a['Type'], k, g[k], v))
        close(ms(g['created_at']), clock.wall_ms(f['at']), 'finding %s created_at' % a['Type'])


def log_failures(entries):
    """The failed logins a postgres_log describes (README: repeat, every,
    pid and port grow by one per repetition)."""
    out = []
    for e in entries:
        for n in range(e.get('repeat', 1)):
            at = e['at'] + n * e.get('every', 0)
            pid, port = e.get('pid', 0) + n, e.get('port', 0) + n
            kind = e['kind']
            if kind == 'password_failed':
                reason = REASONS[e['detail']]
            elif kind == 'no_hba_entry':
                reason = 'no_pg_hba_entry_tls' if e.get('ssl') else 'no_pg_hba_entry'
            elif kind == 'hba_reject':
                reason = 'pg_hba_reject'
            else:
                continue
            out.append((at, pid, e['host'], port, e['user'], e['db'], reason))
    return out


def check_failed_logins(scn, doc, clock, s):
    for e in scn['instances']:
        a = e['attributes']
        ident = a['DBInstanceIdentifier']
        cluster = a.get('DBClusterIdentifier')
        exports = a.get('EnabledCloudwatchLogsExports', [])
        if cluster:
            exports = [c for c in scn['clusters'] if c['attributes']['DBClusterIdentifier'] == cluster][0][
                'attributes'].get('EnabledCloudwatchLogsExports', [])
        source = 'log_export' if 'postgresql' in exports else 'log_download'
        want = sorted((int(clock.wall_ms(at) // 1000), pid, host, port, user, db, reason)
                      for at, pid, host, port, user, db, reason in log_failures(e.get('postgres_log', []))
                      if at <= s)
        got = sorted((ms(f['time']) // 1000, f['pid'], f['client_addr'], f['client_port'], f['user'],
                      f['database'], f['reason']) for f in L.instance(doc, ident)['failed_logins'])
        L.check(got == want, '%s failed logins (%d, expected %d): first differences %s' %
                (ident, len(got), len(want), [x for x in got if x not in want][:3] +
                 [x for x in want if x not in got][:3]))
        L.check(all(f['source'] == source for f in L.instance(doc, ident)['failed_logins']),
                '%s failed logins read from %s' % (ident, source))


def unit_noise(seed, minute):
    mask = (1 << 64) - 1
    z = ((seed * 1099511628211 + minute) & mask)
    z = (z + 0x9E3779B97F4A7C15) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    z ^= z >> 31
    return (z >> 11) / float(1 << 52) - 1.0


def metric_value(ident, name, spec, clock, epoch):
    unit, base, noise, lo, hi = METRIC_DEFAULTS[name]
    base, noise = spec.get('baseline', base), spec.get('noise', noise)
    lo, hi = spec.get('min', lo), spec.get('max', hi)
    seed = spec.get('seed', zlib.crc32(('%s/%s' % (ident, name)).encode()))
    s, s2 = clock.scenario(epoch), clock.scenario(epoch + 60)
    v = base + spec.get('trend', 0) * s / 3600 + noise * unit_noise(seed, epoch // 60)
    for spike in spec.get('spikes', []):
        if spike['at'] < s2 and s < spike['at'] + spike.get('duration', 60):
            v = spike['value'] if 'value' in spike else v + spike['add']
    if lo is not None:
        v = max(lo, v)
    if hi is not None:
        v = min(hi, v)
    return unit, v


def check_metrics(scn, doc, clock):
    resources = [(e['attributes']['DBInstanceIdentifier'], e) for e in scn['instances']] + \
        [(c['attributes']['DBClusterIdentifier'], c) for c in scn['clusters']]
    for ident, e in resources:
        cluster = 'DBClusterIdentifier' in e['attributes'] and 'DBInstanceIdentifier' not in e['attributes']
        got = {m['name']: m for m in L.instance(doc, ident)['metrics']}
        for name in DECLARED_METRICS:
            spec = e.get('metrics', {}).get(name, {})
            applies = (name == 'VolumeBytesUsed') == cluster
            if not applies or spec.get('absent'):
                L.check(name not in got, '%s has no %s' % (ident, name))
                continue
            if not L.check(name in got, '%s reports %s' % (ident, name)):
                continue
            m = got[name]
            epoch = ms(m['time']) // 1000
            unit, want = metric_value(ident, name, spec, clock, epoch)
            L.check(epoch % 60 == 0 and m['period_s'] == 60 and m['unit'] == unit,
                    '%s %s time, period, unit: %s' % (ident, name, m))
            L.check(abs(m['value'] - want) <= 1e-9 * max(1, abs(want)),
                    '%s %s at %s: %r, the formula says %r' % (ident, name, m['time'], m['value'], want))
        L.check(not [n for n in got if n not in DECLARED_METRICS],
                '%s: only the configured metrics (%s)' % (ident, sorted(got)))


def main():
    L.require()
    rig = L.Rig()
    fake = None
    home = None
    try:
        member = 'ops_' + secrets.token_hex(3)
        rig.psql("CREATE ROLE dbmaster LOGIN PASSWORD 'demo-orders-master-7Kq2';"
                 "GRANT rds_superuser TO dbmaster;"
                 "CREATE ROLE rdswatch LOGIN PASSWORD 'demo-monitor-password-5Zp1';"
                 "GRANT pg_monitor TO rdswatch;"
                 "CREATE ROLE admin LOGIN PASSWORD 'admin-not-a-superuser';"
                 "CREATE ROLE %s LOGIN PASSWORD 'member-password';"
                 "GRANT rds_superuser TO %s;"
                 "CREATE ROLE orders_app LOGIN PASSWORD 'orders-app-password';" % (member, member))
        rig.psql('CREATE DATABASE orders OWNER orders_app')
        plain = rig.open('--user', 'orders_app', '--password', 'orders-app-password', '--db', 'orders',
                         '--plain', '--count', '2', '--app', 'orders-api')
        tls = rig.open('--user', 'orders_app', '--password', 'orders-app-password', '--db', 'orders',
                       '--tls', '--count', '1', '--app', 'orders-api')
        su = rig.open('--user', member, '--password', 'member-password', '--tls', '--count', '1')
        master = rig.open('--user', 'dbmaster', '--password', 'demo-orders-master-7Kq2', '--db', 'orders',
                          '--plain', '--count', '1', '--app', 'psql')
        admin = rig.open('--user', 'admin', '--password', 'admin-not-a-superuser', '--plain', '--count', '1')
        fake = L.Fake(os.path.join(L.TOP, 'tests/rig/scenarios/demo.json'), speed=SPEED,
                      env={'PGPORT': str(rig.port)})
        scn = fake.expand()
        home = L.Home(fake, (
            '[pg]\nsslrootcert = %s\n'
            '[instance orders-prod]\nauth = secret:rdswatch/monitor\n'
            '[cloudwatch]\nperiod = 1m\nmetrics = %s\n') % (rig.env['RIG_PG_CA'], ', '.join(DECLARED_METRICS)))
        fake.wait_scenario(700)
        t0 = fake.time()
        rc, doc, err, took = home.once_json()
        t1 = fake.time()
        clock = Clock(t0)
        s = t0['scenario_seconds']
        print('once: exit %d in %.1f s, scenario seconds %.0f to %.0f' % (rc, took, s, t1['scenario_seconds']))
        L.check(rc == 2, 'exit status 2 (critical alerts), got %d: %s' % (rc, err))

        for name in ('rds', 'cloudwatch', 'logs', 'guardduty', 'ec2'):
            src = L.source(doc, name)
            L.check(src is not None and src['ok'] is True and src['calls'] > 0,
                    'source %s ok with calls counted: %s' % (name, src))
        pg = L.source(doc, 'pg', 'orders-prod')
        L.check(pg is not None and pg['ok'] is True, 'pg orders-prod ok: %s' % pg)
        for ident in ('analytics-legacy', 'billing-staging', 'payments-aurora-1', 'payments-aurora-2'):
            src = L.source(doc, 'pg', ident)
            L.check(src is not None and src['ok'] is False and src['error_service'] == 'postgresql',
                    'pg %s failed (its endpoint refuses): %s' % (ident, src))
        acct = doc['accounts']
        L.check(len(acct) == 1 and acct[0]['guardduty_rds_protection'] is True and
                acct[0]['guardduty_status'] == 'ENABLED' and
                acct[0]['guardduty_detector_id'] == scn['guardduty']['detectors'][0]['id'] and
                acct[0]['account_id'] == scn['accounts'][0]['id'], 'account: %s' % acct)

        check_instances(scn, doc, clock, s)
        check_events(scn, doc, clock, s)
        check_findings(scn, doc, clock, s)
        check_failed_logins(scn, doc, clock, s)
        check_metrics(scn, doc, clock)

        prod = L.instance(doc, 'orders-prod')
        sessions = {x['pid']: x for x in prod['sessions']}
        health = prod['pg_health']
        L.check(health is not None and health['connected'] is True and health['has_pg_monitor'] is True and
                health['tls_verified'] is True and health['monitor_user'] == 'rdswatch',
                'orders-prod pg_health: %s' % health)
        expect = [(plain, 'orders_app', False, False), (tls, 'orders_app', True, False),
                  (su, member, True, True), (master, 'dbmaster', False, True), (admin, 'admin', False, False)]
        for pids, user, ssl, superuser in expect:
            for pid in pids:
                x = sessions.get(pid)
                if not L.check(x is not None, 'session %d (%s) reported' % (pid, user)):
                    continue
                L.check(x['user'] == user and x['ssl'] is ssl and x['superuser'] is superuser and
                        x['state'] == 'idle' and (x['ssl_version'] is not None) == ssl,
                        'session %d: user %s ssl %s superuser %s state %s, expected %s %s %s idle'
                        % (pid, x['user'], x['ssl'], x['superuser'], x['state'], user, ssl, superuser))
        L.check(sessions[su[0]]['superuser_via'] == 'rds_superuser', 'superuser via membership')
        # The report names no other instance's sessions, and none of the refused ones.
        L.check(all(not i['sessions'] for i in doc['instances'] if i['id'] != 'orders-prod'),
                'sessions only where PostgreSQL answered')
    finally:
        L.stop_all(home, fake, rig)
    L.finish()


if __name__ == '__main__':
    main()
