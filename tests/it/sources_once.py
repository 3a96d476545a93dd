#!/usr/bin/python3
"""`rdswatch once` as a monitoring check, and the sources under faults:
  - exit statuses against the clean scenario and a private PostgreSQL rig
    as its instance: 0 clean, 1 warnings only (0 with --fail-on critical),
    2 a critical alert (also when a source failed), 3 a failed source and
    nothing critical, 3 for a usage error or an instance nothing matches;
  - with GuardDuty throttled for ever and CloudWatch Logs hanging, the
    other sources still report and once returns within 20 s, naming those
    two sources as failed with their error codes;
  - a rotated Secrets Manager password (auth = secret, the instance's
    MasterUserSecret) is picked up after one failed login."""

import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sources_lib as L  # noqa: E402

POLL = L.POLL
LEDGER_SECRET = 'rds!db-0c1ea000-ledger'


def finding(severity, title):
    return {'attributes': {
        'Type': 'CredentialAccess:RDS/MaliciousIPCaller.FailedLogin', 'Severity': severity,
        'Title': title, 'Description': title,
        'Resource': {'ResourceType': 'RDSDBInstance',
                     'RdsDbInstanceDetails': {'DbInstanceIdentifier': 'ledger', 'Engine': 'postgres'}},
        'Service': {'Action': {'ActionType': 'RDS_LOGIN_ATTEMPT'}}}}


def exit_statuses(rig):
    fake = L.Fake(os.path.join(L.TOP, 'tests/rig/scenarios/clean.json'), env={'PGPORT': str(rig.port)})
    home = L.Home(fake, '[pg]\nsslrootcert = %s\n[instance ledger]\nuser = ledger_mon\n'
                  'auth = password\npassword = ledger-monitor-password\n' % rig.env['RIG_PG_CA'])
    try:
        rc, doc, err, took = home.once_json()
        L.check(rc == 0, 'clean: exit 0, got %d (%s; alerts %s)' % (rc, err, [
            a['key'] for i in doc['instances'] for a in i['alerts']] + [a['key'] for a in doc['alerts']]))
        L.check(all(s['ok'] for s in doc['sources']), 'clean: every source ok: %s'
                % [(s['name'], s['error']) for s in doc['sources'] if not s['ok']])
        L.check(L.source(doc, 'pg', 'ledger')['ok'] is True, 'clean: PostgreSQL read')
        rc, out, err, took = home.run('once')
        L.check(rc == 0 and b'ledger' in out, 'clean, text: exit 0 and the instance: %d %s' % (rc, out[:200]))

        # A source that fails, nothing critical: 3.
        fake.ctl('POST', '/faults', {'service': 'guardduty', 'operation': '*', 'kind': 'error',
                                     'code': 'InternalServerErrorException', 'status': 500})
        rc, doc, err, took = home.once_json()
        L.check(rc == 3, 'failed source, nothing critical: exit 3, got %d' % rc)
        gd = L.source(doc, 'guardduty')
        L.check(gd['ok'] is False and gd['error_code'] == 'InternalServerErrorException',
                'guardduty failed with its code: %s' % gd)
        fake.ctl('DELETE', '/faults')

        # Warnings only: 1, or 0 when only critical counts.
        fake.ctl('POST', '/findings', finding(5.0, 'a medium finding'))
        rc, doc, err, took = home.once_json()
        L.check(rc == 1, 'warnings only: exit 1, got %d' % rc)
        L.check(doc['summary']['warning'] >= 1 and doc['summary']['critical'] == 0,
                'summary: %s' % doc['summary'])
        rc, doc, err, took = home.once_json('--fail-on', 'critical')
        L.check(rc == 0, '--fail-on critical maps warnings to 0, got %d' % rc)

        # A critical alert: 2, also with a failed source.
        fake.ctl('POST', '/findings', finding(8.0, 'a high finding'))
        rc, doc, err, took = home.once_json('--fail-on', 'critical')
        L.check(rc == 2, 'critical: exit 2, got %d' % rc)
        fake.ctl('POST', '/faults', {'service': 'logs', 'operation': '*', 'kind': 'unavailable'})
        rc, doc, err, took = home.once_json()
        L.check(rc == 2 and L.source(doc, 'logs')['ok'] is False,
                'critical and a failed source: exit 2, got %d' % rc)
        fake.ctl('DELETE', '/faults')

        # Usage errors and instances nothing matches are UNKNOWN: 3.
        for args, text in ((['once', '--format', 'xml'], '--format'),
                           (['once', '--bogus'], 'unknown option'),
                           (['once', '--fail-on', 'sometimes'], '--fail-on'),
                           (['once', 'extra'], 'unexpected argument')):
            rc, out, err, took = home.run(*args)
            L.check(rc == 3 and text in err and 'usage: rdswatch once' in err and not out,
                    '%s: exit 3 with a usage message, got %d: %s' % (args, rc, err))
        rc, doc, err, took = home.once_json('--instance', 'nosuch')
        L.check(rc == 3 and "no instance or cluster matches 'nosuch'" in err,
                'unknown --instance: exit 3, got %d: %s' % (rc, err))
        L.check(doc['instances'] == [], 'unknown --instance: no instance reported')
        rc, doc, err, took = home.once_json('--instance', 'led*')
        L.check([i['id'] for i in doc['instances']] == ['ledger'], '--instance with a pattern')
        # The named instance's metrics come in detail (every one that applies).
        metrics = {m['name'] for m in L.instance(doc, 'ledger')['metrics']}
        L.check(len(metrics) >= 16 and 'BurstBalance' in metrics, '--instance: every metric (%s)'
                % sorted(metrics))
    finally:
        home.cleanup()
        fake.stop()


def faults():
    fake = L.Fake(os.path.join(L.TOP, 'tests/rig/scenarios/demo.json'))
    home = L.Home(fake, '[pg]\nenabled = false\n')
    try:
        fake.ctl('POST', '/faults', {'faults': [
            {'service': 'guardduty', 'operation': '*', 'kind': 'throttle'},
            {'service': 'logs', 'operation': '*', 'kind': 'hang'}]})
        rc, doc, err, took = home.once_json(timeout=60)
        print('faults: exit %d in %.1f s' % (rc, took))
        L.check(took < 20, 'once returned within 20 s (%.1f s)' % took)
        gd, logs = L.source(doc, 'guardduty'), L.source(doc, 'logs')
        L.check(gd['ok'] is False and gd['error_code'] == 'TooManyRequestsException' and
                'TooManyRequestsException' in gd['error'], 'guardduty failed, throttled: %s' % gd)
        L.check(logs['ok'] is False and logs['error_kind'] == 'timeout' and logs['error'],
                'logs failed, timed out: %s' % logs)
        L.check(gd['calls'] >= 3, 'guardduty retried (%s calls)' % gd['calls'])
        for name in ('rds', 'cloudwatch', 'ec2'):
            L.check(L.source(doc, name)['ok'] is True, '%s still reports' % name)
        prod = L.instance(doc, 'orders-prod')
        L.check(prod is not None and prod['events'] and prod['metrics'] and prod['security_groups'],
                'the other sources\' records are there')
        L.check(rc == 2, 'critical alerts (from the other sources): exit 2, got %d' % rc)
        home.write_config('[pg]\nenabled = false\n[logs]\ntimeout = 2s\n[guardduty]\ntimeout = 2s\n')
        rc, out, err, took = home.run('once', timeout=60)
        L.check(b'guardduty' in out and b'logs' in out and b'TooManyRequestsException' in out,
                'the text report names the failed sources: %s' % out[:400])
    finally:
        home.cleanup()
        fake.stop()


def rotation(rig):
    fake = L.Fake(os.path.join(L.TOP, 'tests/rig/scenarios/clean.json'), env={'PGPORT': str(rig.port)})
    home = L.Home(fake, '[pg]\nsslrootcert = %s\npoll_interval = 1s\n[instance ledger]\nauth = secret\n'
                  '[cloudwatch]\nenabled = false\n[logs]\nenabled = false\n[guardduty]\nenabled = false\n'
                  '[ec2]\nenabled = false\n[rds]\ninterval = 1h\n' % rig.env['RIG_PG_CA'])
    poll = subprocess.Popen([POLL, '--seconds', '14', '--config', home.config], env=home.env,
                            stdout=subprocess.PIPE, text=True)
    lines = []
    try:
        # Until the pg source has read the server once with the secret.
        for line in poll.stdout:
            lines.append(line.strip())
            if line.startswith('poll pg ledger ok'):
                break
        log_before = open(rig.env['RIG_PG_LOG'], errors='replace').read()
        fake.ctl('POST', '/secrets/rotate', {'secret': LEDGER_SECRET,
                                             'value': '{"username": "ledger_owner", "password": "rotated-9Qx-2026"}'})
        rig.psql("ALTER ROLE ledger_owner PASSWORD 'rotated-9Qx-2026'")
        rig.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'ledger_owner'")
        after = []
        for line in poll.stdout:
            lines.append(line.strip())
            if line.startswith('poll pg ledger'):
                after.append(line.split()[3])
        poll.wait(timeout=30)
        L.check(poll.returncode == 0, 'sources-poll exit status %s' % poll.returncode)
        L.check(lines[-1] == 'done', 'sources-poll finished: %s' % lines[-3:])
        L.check('ok' in after and after[-1] == 'ok', 'the pg source reads again after the rotation: %s' % after)
        log = open(rig.env['RIG_PG_LOG'], errors='replace').read()[len(log_before):]
        refused = log.count('password authentication failed for user "ledger_owner"')
        L.check(refused == 1, 'one failed login after the rotation, got %d' % refused)
        L.check(fake.count('secretsmanager', 'GetSecretValue') == 2,
                'the secret fetched twice (at start and after the refusal): %d'
                % fake.count('secretsmanager', 'GetSecretValue'))
        L.check('rotated-9Qx-2026' not in ''.join(lines), 'no secret in the output')
    finally:
        if poll.poll() is None:
            poll.kill()
        home.cleanup()
        fake.stop()


def main():
    L.require(poll=True)
    faults()
    rig = L.Rig()
    try:
        rig.psql("CREATE ROLE ledger_mon LOGIN PASSWORD 'ledger-monitor-password';"
                 "GRANT pg_monitor TO ledger_mon;"
                 "CREATE ROLE ledger_owner LOGIN PASSWORD 'clean-ledger-password-8Wd4';"
                 "GRANT pg_monitor TO ledger_owner;")
        exit_statuses(rig)
        rotation(rig)
    finally:
        rig.stop()
    L.finish()


if __name__ == '__main__':
    main()
