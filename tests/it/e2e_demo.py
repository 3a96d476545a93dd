#!/usr/bin/python3
"""Issue 6's acceptance, end to end: the demo scenario played at 10x
against the local AWS endpoint and a PostgreSQL rig standing in for
orders-prod, recorded into ONE history by repeated `rdswatch once` runs
(about one every two seconds for the whole incident), then exported.

- The history holds exactly the scenario's RDS events, GuardDuty findings
  and failed logins, once each however often they were polled (expected
  sets computed here from the expanded scenario, not from a run).
- `export --format markdown` over the incident gives, in order: the
  failed-login burst ("failed login" entries), the brute-force finding,
  the plaintext and the superuser sessions (opened on the rig by this test
  after the finding), the CPU spike (the CPU alert opening) and the
  failover.
- `export --format jsonl` round-trips: every line parses, and the counts
  per type match the history file's tables (read with SQLite).
- `export --format text --at T` at a moment inside the incident shows the
  incident's state then (the sessions, the burst, the finding, no failover
  yet), and at the end the failover.
- The posture checks in history (the current version of each) match the
  oracle of tests/it/rules_scenario.py, computed from the scenario's
  attributes and the rig's own settings.
- Alerts keep one lifecycle across runs: the burst's alert opened once.

CloudWatch samples are one a minute of wall time, so at 10x one sample
covers 600 scenario seconds, and rdswatch reads complete minutes. The
endpoint is started at second 27-33 of a wall minute so that the first
complete minute holding the CPU spike (which starts at 270) ends between
scenario 270 and 330: after the sessions are opened (250), and early
enough before the failover (420) for a run under a sanitizer to see it.
"""

import collections
import copy
import datetime
import json
import os
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rules_scenario as R  # noqa: E402
import sources_demo as D  # noqa: E402
import sources_lib as L  # noqa: E402

SPEED = 10
END = 540           # scenario seconds played (the failover ends at 480)
SESSIONS_AT = 242   # after the brute-force finding (240), before the CPU sample
PHASE = (27, 33)    # the endpoint's start, in seconds of a wall minute
SERVER_SETTINGS = ('ssl_min_protocol_version', 'log_connections', 'log_statement',
                   'shared_preload_libraries')


def iso_ms(iso):
    return D.ms(iso)


def start_fake(rig):
    """The endpoint, started in the right phase of a wall minute."""
    for attempt in range(3):
        while not PHASE[0] + 0.3 <= time.time() % 60 < PHASE[0] + 1.5:
            time.sleep(0.2)
        fake = L.Fake(os.path.join(L.TOP, 'tests/rig/scenarios/demo.json'), speed=SPEED,
                      env={'PGPORT': str(rig.port)})
        x = fake.time()['start_epoch'] % 60
        if PHASE[0] < x < PHASE[1]:
            return fake
        print('the endpoint started at second %.1f of its minute; again' % x)
        fake.stop()
    raise RuntimeError('could not start the endpoint in phase')


class Runs:
    """`once` runs into one history, with the debug log of the store."""

    def __init__(self, home, fake):
        self.home, self.fake = home, fake
        self.db = os.path.join(home.dir, 'state', 'history.db')
        self.log = os.path.join(home.dir, 'debug.log')
        self.runs = []      # (wall ms at start, scenario seconds at start, exit status, wall ms at end)

    def once(self):
        t = self.fake.time()
        wall = round(time.time() * 1000)
        rc, out, err, took = self.home.run('once', '--format', 'json', '--history', self.db,
                                           '--debug', 'store', '--log', self.log)
        L.check(rc in (1, 2, 3), 'once: a monitoring status, got %d: %s' % (rc, err[-500:]))
        L.check('not recorded' not in err, 'once recorded its run: %s' % err[-500:])
        self.runs.append((wall, t['scenario_seconds'], rc, round(time.time() * 1000)))
        return json.loads(out)

    def until(self, seconds):
        while self.fake.time()['scenario_seconds'] < seconds:
            self.once()

    def export(self, *args):
        rc, out, err, took = self.home.run('export', '--history', self.db, *args)
        L.check(rc == 0, 'export %s: %d %s' % (' '.join(args), rc, err))
        return out.decode()


def expected_failed_logins(scn, clock, lo, hi):
    """(instance, time s, pid, host, port, user, db, reason) between scenario LO and HI."""
    out = set()
    for e in scn['instances']:
        ident = e['attributes']['DBInstanceIdentifier']
        for at, pid, host, port, user, db, reason in D.log_failures(e.get('postgres_log', [])):
            if lo <= at <= hi:
                out.add((ident, int(clock.wall_ms(at) // 1000), pid, host, port, user, db, reason))
    return out


def check_facts(scn, clock, recs, first, last):
    """Events, findings and failed logins: once each, exactly the scenario's."""
    by = collections.defaultdict(list)
    for r in recs:
        by[r['type']].append(r['fields'])

    def scenario_time(iso):
        return clock.scenario(iso_ms(iso) / 1000)

    # RDS events: every one is the scenario's; those of the incident all there.
    want = {(e['attributes']['SourceIdentifier'], e['attributes']['Message'], round(clock.wall_ms(e['at'])))
            for e in scn['events']}
    got = [(f['source_id'], f['message'], iso_ms(f['time'])) for f in by['event']]
    L.check(len(got) == len(set(got)), 'events: no duplicate (%d, %d distinct)' % (len(got), len(set(got))))
    extra = [g for g in got if not any(g[:2] == w[:2] and abs(g[2] - w[2]) <= 2 for w in want)]
    L.check(not extra, 'events not in the scenario: %s' % extra[:5])
    incident = [w for w in want if first <= clock.scenario(w[2] / 1000) <= last]
    missing = [w for w in incident if not any(g[:2] == w[:2] and abs(g[2] - w[2]) <= 2 for g in got)]
    L.check(len(incident) == 4 and not missing, 'the incident\'s 4 events in history; missing %s' % missing)

    # GuardDuty findings: one record per finding id, each the scenario's.
    ids = [f['id'] for f in by['finding']]
    L.check(len(ids) == len(set(ids)), 'findings: no duplicate id (%s)' % ids)
    want = {(f['attributes']['Type'], round(clock.wall_ms(f['at'])))
            for d in scn['guardduty']['detectors'] for f in d['findings']}
    got = [(f['type'], iso_ms(f['updated_at'])) for f in by['finding']]
    extra = [g for g in got if not any(g[0] == w[0] and abs(g[1] - w[1]) <= 2 for w in want)]
    L.check(not extra, 'findings not in the scenario: %s' % extra)
    for kind in ('CredentialAccess:RDS/TorIPCaller.FailedLogin',
                 'CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce'):
        L.check(sum(g[0] == kind for g in got) == 1, 'finding %s once in history' % kind)

    # Failed logins: those of the run exactly, each once.
    got = [(f['instance'], iso_ms(f['time']) // 1000, f['pid'], f['client_addr'], f['client_port'],
            f['user'], f['database'], f['reason']) for f in by['failed_login']]
    L.check(len(got) == len(set(got)), 'failed logins: no duplicate (%d, %d distinct)' % (len(got), len(set(got))))
    want = expected_failed_logins(scn, clock, -10 ** 9, last)
    extra = set(got) - want
    L.check(not extra, 'failed logins not in the scenario: %s' % sorted(extra)[:5])
    run = {g for g in got if first <= scenario_time(datetime.datetime.fromtimestamp(
        g[1], datetime.timezone.utc).isoformat()) <= last}
    want_run = expected_failed_logins(scn, clock, first, last)
    L.check(run == want_run, 'failed logins of the run: %d, the scenario has %d (missing %s)' %
            (len(run), len(want_run), sorted(want_run - run)[:3]))
    L.check(len(want_run) >= 75, 'the burst is in the run (%d failures)' % len(want_run))


def check_jsonl(recs, db_path):
    counts = collections.Counter(r['type'] for r in recs)
    db = sqlite3.connect('file:%s?mode=ro' % db_path, uri=True)

    def one(sql):
        return db.execute(sql).fetchone()[0]

    want = {'failed_login': one('SELECT count(*) FROM failed_logins'),
            'finding': one('SELECT count(*) FROM findings'),
            'event': one('SELECT count(*) FROM events'),
            'metric': one('SELECT count(*) FROM metric_samples'),
            'alert_event': one('SELECT count(*) FROM alert_events'),
            'session': one('SELECT count(*) FROM sessions_v'),
            'check': one('SELECT count(*) FROM checks_v'),
            'alert': one('SELECT count(*) FROM alerts_v'),
            'source_health': one('SELECT count(*) FROM sources_v'),
            'instance': one('SELECT count(*) FROM instances_v')}
    for t, n in want.items():
        L.check(counts[t] == n, 'jsonl %s: %d exported, %d in the history file' % (t, counts[t], n))
    L.check(one('PRAGMA integrity_check') == 'ok', 'integrity_check')
    db.close()
    return want


def check_markdown(md):
    lines = md.splitlines()

    def first(pred):
        for n, line in enumerate(lines):
            if pred(line):
                return n
        return None

    order = [
        ('the failed-login burst', lambda x: '| failed login' in x and '185.220.101.34' in x),
        ('the brute-force finding', lambda x: '| GuardDuty finding |' in x and 'SuccessfulBruteForce' in x),
        ('the plaintext session', lambda x: '| non-TLS session appeared |' in x),
        ('the superuser session', lambda x: '| superuser session appeared |' in x),
        ('the CPU spike', lambda x: '| alert opened |' in x and 'CPU' in x),
        ('the failover', lambda x: '| RDS event |' in x and 'Multi-AZ instance failover started.' in x),
    ]
    prev = -1
    for what, pred in order:
        n = first(pred)
        if not L.check(n is not None, 'markdown: no line for %s' % what):
            continue
        L.check(n > prev, 'markdown: %s (line %d) out of order' % (what, n + 1))
        prev = n
    L.check(all('| failed login' not in x or '185.220.101.34' in x for x in lines),
            'markdown: only the burst\'s failed logins in the window')
    L.check(sum('failover started' in x for x in lines) == 1, 'markdown: the failover once')
    # The refusing instances' pg sources fail on every run: one outage
    # each, never "recovered" (a poll under way is not a recovery).
    for ident in ('analytics-legacy', 'billing-staging', 'payments-aurora-1', 'payments-aurora-2'):
        L.check(sum('| source outage | pg (%s)' % ident in x for x in lines) == 1,
                'markdown: one outage of pg %s' % ident)
        L.check(not any('| source recovered | pg (%s)' % ident in x for x in lines),
                'markdown: pg %s never recovered' % ident)


def check_text(text, at_incident):
    if at_incident:
        L.check('185.220.101.34' in text, 'text at T: the burst\'s address')
        L.check('SuccessfulBrute' in text or 'AnomalousBehavior' in text, 'text at T: the finding')
        L.check('e2e-plain' in text and 'e2e-super' in text, 'text at T: the two sessions')
        L.check('failover' not in text.lower(), 'text at T: no failover yet')
    else:
        L.check('Multi-AZ instance failover' in text, 'text at the end: the failover')
    for title in ('Overview', 'Alerts', 'Sessions', 'Failed logins', 'RDS events',
                  'GuardDuty findings', 'Backup & patch', 'Security posture', 'Metrics', 'Health'):
        L.check(('\n%s ' % title) in text, 'text: the pane %s' % title)


def check_alerts(recs):
    """One lifecycle per alert across runs: never opened twice without
    being resolved in between, the opening time kept by every version."""
    events = collections.defaultdict(list)
    for r in recs:
        if r['type'] == 'alert_event':
            events[r['fields']['alert_key']].append((iso_ms(r['time']), r['fields']['event']))
    for key, evs in events.items():
        state = None
        for t, ev in sorted(evs):
            L.check(not (ev == 'opened' and state == 'opened'), 'alert %s opened twice: %s' % (key, evs))
            state = 'opened' if ev == 'opened' else 'resolved' if ev == 'resolved' else state
    burst = [k for k in events if k.startswith('failed_login')]
    L.check(burst, 'the failed-login burst alert is in history: %s' % sorted(events))
    for key in burst:
        opened = {r['fields']['opened_at'] for r in recs
                  if r['type'] == 'alert' and r['fields']['key'] == key}
        versions = sum(r['type'] == 'alert' and r['fields']['key'] == key for r in recs)
        L.check(len(opened) == 1, 'alert %s keeps its opening time across runs: %s' % (key, opened))
        print('alert %s: %d versions, events %s' % (key, versions, [e for _, e in sorted(events[key])]))


def live_settings(rig):
    rows = rig.psql("SELECT name, setting FROM pg_settings WHERE name IN (%s)" %
                    ', '.join("'%s'" % n for n in SERVER_SETTINGS))
    settings = {}
    for line in rows.splitlines():
        name, value = line.split('|', 1)
        settings[name] = {'on': '1', 'off': '0'}.get(value, value)
    acl = rig.psql("SELECT coalesce(array_to_string(nspacl, ','), '') FROM pg_namespace "
                   "WHERE nspname = 'public'").strip()
    # PUBLIC's entries start with '='.
    public_create = any(e.startswith('=') and 'C' in e.split('/')[0] for e in acl.split(','))
    return {'orders-prod': {'settings': settings,
                            'public_schema_create': 'fail' if public_create else 'pass'}}


def check_posture(scn, recs, live, s):
    now = copy.deepcopy(scn)
    for e in now['instances'] + now['clusters']:
        e['attributes'] = D.attributes_now(e, s)
    want = R.oracle(now, live, at_s=s, speed=SPEED)
    got = collections.defaultdict(dict)
    for r in recs:
        if r['type'] == 'check' and r.get('until') is None:
            got[r['instance']][r['fields']['check_id']] = r['fields']['status']
    L.check(set(got) == set(want), 'posture: the resources %s, expected %s' % (sorted(got), sorted(want)))
    for ident in sorted(got):
        L.check(len(got[ident]) == 26, 'posture %s: 26 checks (%d)' % (ident, len(got[ident])))
        for chk, status in sorted(got[ident].items()):
            expected = want.get(ident, {}).get(chk, 'pass')
            L.check(status == expected, 'posture %s %s: %s in history, the oracle says %s' %
                    (ident, chk, status, expected))


def main():
    L.require()
    rig = L.Rig()
    fake = home = None
    try:
        rig.psql("CREATE ROLE dbmaster LOGIN PASSWORD 'demo-orders-master-7Kq2';"
                 "GRANT rds_superuser TO dbmaster;"
                 "CREATE ROLE rdswatch LOGIN PASSWORD 'demo-monitor-password-5Zp1';"
                 "GRANT pg_monitor TO rdswatch;"
                 "CREATE ROLE orders_app LOGIN PASSWORD 'orders-app-password';")
        rig.psql('CREATE DATABASE orders OWNER orders_app')
        fake = start_fake(rig)
        scn = fake.expand()
        home = L.Home(fake, (
            '[pg]\nsslrootcert = %s\n'
            '[instance orders-prod]\nauth = secret:rdswatch/monitor\n'
            '[cloudwatch]\nperiod = 1m\n'
            # One minute's sample is 10 scenario minutes at 10x.
            '[rules]\ncpu_duration = 1m\n') % rig.env['RIG_PG_CA'])
        runs = Runs(home, fake)
        t0 = fake.time()
        clock = D.Clock(t0)
        # The first minute with the spike is complete at this scenario second.
        spike_seen = (60 - t0['start_epoch'] % 60) * SPEED
        # Runs until the next would end past SESSIONS_AT (a run under a
        # sanitizer takes seconds, tens of scenario seconds).
        while True:
            last = runs.runs[-1] if runs.runs else None
            took = (last[3] - last[0]) / 1000 * SPEED if last else 20
            if fake.time()['scenario_seconds'] + took >= SESSIONS_AT:
                break
            runs.once()
        # The attacker's sessions, plaintext and a member of rds_superuser,
        # opened now and first seen by the run after the finding.
        plain = rig.open('--user', 'orders_app', '--password', 'orders-app-password', '--db', 'orders',
                         '--plain', '--count', '1', '--app', 'e2e-plain')
        su = rig.open('--user', 'dbmaster', '--password', 'demo-orders-master-7Kq2', '--db', 'orders',
                      '--tls', '--count', '1', '--app', 'e2e-super')
        fake.wait_scenario(SESSIONS_AT)
        doc = runs.once()
        seen = {x['pid'] for x in L.instance(doc, 'orders-prod')['sessions']}
        L.check(set(plain + su) <= seen, 'once sees the two sessions')
        # After that run's commits, before the next run.
        incident_at = runs.runs[-1][3]
        L.check(runs.runs[-1][1] < spike_seen, 'the sessions were seen before the CPU sample '
                '(scenario %.0f, the sample at %.0f)' % (runs.runs[-1][1], spike_seen))
        # The next run sees the CPU sample, whatever the runs' pace.
        fake.wait_scenario(spike_seen)
        runs.until(END)
        for _ in range(2):      # polled again: nothing doubles
            runs.once()
        last = runs.runs[-1][1]
        print('%d once runs from scenario %.0f to %.0f, exit statuses %s' %
              (len(runs.runs), runs.runs[0][1], last, sorted(set(r[2] for r in runs.runs))))
        L.check(len(runs.runs) >= 8, 'polled often (%d runs)' % len(runs.runs))
        L.check(any(spike_seen <= r[1] < 420 for r in runs.runs),
                'a run between the CPU sample (%.0f) and the failover (420): %s' %
                (spike_seen, [round(r[1]) for r in runs.runs]))

        with open(runs.log) as f:
            log = f.read()
        committed = [line for line in log.splitlines() if 'committed poll' in line]
        L.check(len(committed) >= len(runs.runs) * 7, 'the debug log has every commit (%d)' % len(committed))

        start = datetime.datetime.fromtimestamp(t0['start_epoch'] - 1, datetime.timezone.utc)
        start_iso = start.strftime('%Y-%m-%dT%H:%M:%SZ')
        md = runs.export('--from', start_iso, '-f', 'markdown')
        check_markdown(md)
        jsonl = runs.export('--since', '30d', '-f', 'jsonl')
        recs = []
        for n, line in enumerate(jsonl.splitlines(), 1):
            try:
                r = json.loads(line)
            except ValueError as e:
                L.check(False, 'jsonl line %d does not parse: %s' % (n, e))
                continue
            L.check(set(r) >= {'type', 'time', 'instance', 'fields'}, 'jsonl line %d: %s' % (n, r))
            recs.append(r)
        counts = check_jsonl(recs, runs.db)
        print('history: %s' % counts)
        check_facts(scn, clock, recs, runs.runs[0][1], last)

        at = datetime.datetime.fromtimestamp(incident_at // 1000, datetime.timezone.utc)
        at = at.strftime('%Y-%m-%dT%H:%M:%S') + '.%03dZ' % (incident_at % 1000)
        check_text(runs.export('-f', 'text', '--width', '200', '--at', at), True)
        check_text(runs.export('-f', 'text', '--width', '200'), False)

        check_alerts(recs)
        print(md)
        check_posture(scn, recs, live_settings(rig), last)
    finally:
        L.stop_all(home, fake, rig)
    L.finish()


if __name__ == '__main__':
    main()
