#!/usr/bin/python3
"""`rdswatch doctor` and least privilege:
  - against the demo, with orders-prod's endpoint a PostgreSQL rig, it
    reports orders-prod reachable (TLS verified, pg_monitor) and the four
    instances whose endpoints refuse as unreachable, each with a fix;
  - against credentials denied one RDS action and CloudWatch's
    GetMetricData, it names exactly those IAM actions (and so does once's
    source health, missing_action);
  - `doctor --policy` is valid JSON that allows every action rdswatch was
    seen calling (from the endpoint's request log), and README.md shows
    the same policy."""

import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sources_lib as L  # noqa: E402

IAM_PREFIX = {'rds': 'rds', 'cloudwatch': 'cloudwatch', 'logs': 'logs', 'guardduty': 'guardduty',
              'ec2': 'ec2', 'secretsmanager': 'secretsmanager', 'sts': 'sts'}


def lines_of(out):
    return out.decode(errors='replace').splitlines()


def demo(rig):
    fake = L.Fake(os.path.join(L.TOP, 'tests/rig/scenarios/demo.json'), env={'PGPORT': str(rig.port)})
    home = L.Home(fake, '[pg]\nsslrootcert = %s\n[instance orders-prod]\nauth = secret:rdswatch/monitor\n'
                  % rig.env['RIG_PG_CA'])
    try:
        rc, out, err, took = home.run('doctor')
        lines = lines_of(out)
        print('\n'.join(lines))
        L.check(rc == 1, 'doctor exits 1 when a check fails, got %d' % rc)
        L.check(any(re.match(r'ok +credentials .*account 123456789012, arn:aws:iam::123456789012:user/'
                             r'rdswatch-oncall', x) for x in lines), 'credentials: account and ARN')
        L.check(any(x.startswith('ok   region: us-east-1') for x in lines), 'region')
        for ident in ('analytics-legacy', 'billing-staging', 'payments-aurora-1', 'payments-aurora-2'):
            L.check(any(x.startswith('FAIL %s: PostgreSQL unreachable' % ident) and ' -- fix: ' in x
                        for x in lines), '%s unreachable, with a fix' % ident)
        for text in ('orders-prod: PostgreSQL', 'orders-prod: TLS verified',
                     'orders-prod: the monitoring role has pg_monitor'):
            L.check(any(x.startswith('ok   ' + text) for x in lines), 'ok %s' % text)
        L.check(any(x.startswith('warn analytics-legacy: PostgreSQL log not exported') for x in lines),
                'log exports per instance')
        L.check(any(x.startswith('ok   GuardDuty RDS protection enabled') for x in lines), 'GuardDuty')
        L.check(any(x.startswith('ok   history: ') for x in lines), 'history location')
        L.check(any(x.startswith('info CloudWatch: about USD ') for x in lines), 'CloudWatch cost')
        L.check(not [x for x in lines if x.startswith('FAIL') and ':' in x.split()[1] and
                     x.split()[1].rstrip(':').count(':') == 1 and 'PostgreSQL' not in x],
                'every IAM action allowed here')
        L.check(lines[-1] == '4 failed, 1 warnings', 'summary line: %s' % lines[-1])

        # Every action rdswatch calls is in the policy.
        fake.ctl('POST', '/reset')
        home.run('once')
        called = {'%s:%s' % (IAM_PREFIX[r['service']], r['operation']) for r in fake.requests()}
        rc, out, err, took = home.run('doctor', '--policy')
        policy = json.loads(out)
        allowed = set(a for st in policy['Statement'] for a in st['Action'])
        L.check(rc == 0 and called <= allowed, 'the policy allows every call: missing %s'
                % sorted(called - allowed))
        L.check(all(a.split(':')[1].startswith(('Describe', 'Get', 'List', 'Filter', 'Download'))
                    or a == 'rds-db:connect' for a in allowed), 'read-only actions only: %s' % sorted(allowed))
        readme = open(os.path.join(L.TOP, 'README.md')).read()
        block = re.search(r'```json\n(\{\n *"Version": "2012-10-17".*?\n\})\n```', readme, re.S)
        L.check(block is not None and json.loads(block.group(1)) == policy,
                'README.md shows the policy doctor --policy prints')
    finally:
        home.cleanup()
        fake.stop()


def denied():
    with open(os.path.join(L.TOP, 'tests/rig/scenarios/demo.json')) as f:
        scn = json.load(f)
    scn['credentials'][0]['deny'] = ['rds:DescribeEvents', 'cloudwatch:GetMetricData']
    tmp = tempfile.NamedTemporaryFile('w', suffix='.json', delete=False)
    json.dump(scn, tmp)
    tmp.close()
    fake = L.Fake(tmp.name)
    home = L.Home(fake, '[pg]\nenabled = false\n')
    try:
        rc, out, err, took = home.run('doctor')
        lines = lines_of(out)
        for action in ('rds:DescribeEvents', 'cloudwatch:GetMetricData'):
            L.check(any(x.startswith('FAIL %s:' % action) and 'allow %s in the IAM policy' % action in x
                        for x in lines), 'doctor names the denied %s' % action)
        fails = [x.split()[1].rstrip(':') for x in lines if x.startswith('FAIL') and
                 x.split()[1].count(':') >= 1]
        L.check(sorted(set(f for f in fails if f.startswith(('rds:', 'cloudwatch:', 'logs:', 'ec2:',
                                                             'guardduty:')))) ==
                ['cloudwatch:GetMetricData', 'rds:DescribeEvents'], 'only those fail: %s' % fails)
        L.check(rc == 1, 'doctor exits 1')
        rc, doc, err, took = home.once_json()
        L.check(L.source(doc, 'rds')['missing_action'] == 'rds:DescribeEvents',
                'rds source names the missing action: %s' % L.source(doc, 'rds'))
        L.check(L.source(doc, 'cloudwatch')['missing_action'] == 'cloudwatch:GetMetricData',
                'cloudwatch source names the missing action: %s' % L.source(doc, 'cloudwatch'))
        # What was allowed still reports.
        L.check(L.instance(doc, 'orders-prod') is not None and L.source(doc, 'ec2')['ok'] is True,
                'the rest still reports')
    finally:
        home.cleanup()
        fake.stop()
        os.unlink(tmp.name)


def main():
    L.require()
    rig = L.Rig()
    try:
        rig.psql("CREATE ROLE rdswatch LOGIN PASSWORD 'demo-monitor-password-5Zp1';"
                 "GRANT pg_monitor TO rdswatch;")
        demo(rig)
    finally:
        rig.stop()
    denied()
    L.finish()


if __name__ == '__main__':
    main()
