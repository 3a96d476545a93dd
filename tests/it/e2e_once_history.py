#!/usr/bin/python3
"""`rdswatch once` and its history, against the local AWS endpoint's demo
scenario (no PostgreSQL: its pg sources fail, which changes nothing here).

- Each run is recorded: the sources' polls and the rules' batch (checks
  and alerts) are committed before once exits, each commit logged with
  --debug store in the --log file; a second run re-polls without
  duplicating a fact, and its alerts continue the first run's (opened
  once, the opening time kept).
- A source failing on every run (the pg sources: no CA certificate
  configured) counts its failed polls across runs, so the alert for a
  source failing more than 3 polls in a row opens on the 4th run.
- --no-history writes nothing (not even the default file).
- A history written by another process (here the store's test driver,
  standing in for a dashboard): once prints the same report with the same
  exit status, and says on stderr that the run was not recorded, naming
  the file in use. So does a history that is a symlink (refused).
"""

import collections
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sources_lib as L  # noqa: E402

DRIVER = os.path.join(L.BUILD, 'tests/it/store_driver')


def export(home, db):
    rc, out, err, took = home.run('export', '--history', db, '--since', '30d', '-f', 'jsonl')
    L.check(rc == 0, 'export: %d %s' % (rc, err))
    return [json.loads(line) for line in out.decode().splitlines()]


def main():
    L.require()
    if not os.access(DRIVER, os.X_OK):
        L.skip('store_driver not built at %s' % DRIVER)
    fake = L.Fake(os.path.join(L.TOP, 'tests/rig/scenarios/demo.json'), speed=100, env={'PGPORT': '1'})
    home = L.Home(fake, '')
    holder = None
    try:
        fake.wait_scenario(300)
        db = os.path.join(home.dir, 'history', 'h.db')
        log = os.path.join(home.dir, 'debug.log')
        default = os.path.join(home.dir, 'state', 'rdswatch', 'history.db')

        rc0, out0, err0, _ = home.run('once', '--format', 'json', '--no-history')
        L.check(rc0 == 2, 'once --no-history: exit 2 (critical alerts), got %d: %s' % (rc0, err0))
        L.check(not os.path.exists(default) and not os.path.exists(os.path.dirname(default)),
                '--no-history wrote no history')
        json.loads(out0)

        for n in range(2):
            rc, out, err, _ = home.run('once', '--format', 'json', '--history', db, '--debug', 'store',
                                       '--log', log)
            L.check(rc == rc0, 'once %d: the same exit status as without history (%d)' % (n, rc))
            L.check('not recorded' not in err, 'once %d recorded: %s' % (n, err))
        L.check(os.stat(os.path.dirname(db)).st_mode & 0o777 == 0o700, 'the history directory is 0700')
        L.check(os.stat(db).st_mode & 0o777 == 0o600, 'the history file is 0600')
        with open(log) as f:
            commits = [line for line in f if 'committed poll' in line]
        sources = collections.Counter(line.split('source ')[1].split(',')[0] for line in commits)
        L.check(sources['rules'] == 2 and sources['rds'] >= 2 and sources['guardduty'] >= 2,
                'the debug log has each run\'s commits, the rules\' too: %s' % dict(sources))
        recs = export(home, db)
        by = collections.defaultdict(list)
        for r in recs:
            by[r['type']].append(r['fields'])
        L.check(by['check'] and by['alert'], 'checks and alerts are in history')
        for kind, key in (('event', lambda f: (f['source_id'], f['time'], f['message'])),
                          ('finding', lambda f: f['id']),
                          ('failed_login', lambda f: (f['instance'], f['time'], f['pid'], f['client_port']))):
            keys = [key(f) for f in by[kind]]
            L.check(keys and len(keys) == len(set(keys)), '%s: %d, once each' % (kind, len(keys)))
        opened = collections.Counter(a['alert_key'] for a in by['alert_event'] if a['event'] == 'opened')
        L.check(opened and max(opened.values()) == 1, 'alerts opened once across two runs: %s' %
                [k for k, v in opened.items() if v > 1])
        first = {}
        for a in by['alert']:
            first.setdefault(a['key'], set()).add(a['opened_at'])
        L.check(all(len(v) == 1 for v in first.values()), 'each alert keeps its opening time')

        # Failed polls in a row, across runs: 2 so far, the alert after 3.
        for n in (3, 4):
            rc, out, err, _ = home.run('once', '--format', 'json', '--history', db)
            doc = json.loads(out)
            pg = L.source(doc, 'pg', 'billing-staging')
            L.check(pg is not None and pg['ok'] is False and pg['consecutive_failures'] == n,
                    'run %d: pg billing-staging failed %d polls in a row: %s' % (n, n, pg))
            failing = [a['key'] for i in doc['instances'] for a in i['alerts']
                       if a['key'].startswith('source_failing')]
            failing += [a['key'] for a in doc.get('alerts', []) if a['key'].startswith('source_failing')]
            L.check(bool(failing) == (n > 3), 'run %d: source failing alerts %s' % (n, failing))
        rc, out, err, _ = home.run('once', '--format', 'json', '--no-history')
        pg = L.source(json.loads(out), 'pg', 'billing-staging')
        L.check(pg['consecutive_failures'] == 1, 'without history, one failed poll: %s' % pg)

        # Another process writes the history: the report all the same.
        busy = os.path.join(home.dir, 'busy.db')
        dlog = os.path.join(home.dir, 'driver.log')
        holder = subprocess.Popen([DRIVER, '--history', busy, '--debug', 'store', '--log', dlog,
                                   '--forever', '--samples', '1', 'heavy'],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not (os.path.exists(dlog) and 'committed poll' in open(dlog).read()):
            if holder.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError('the store driver did not start writing')
            time.sleep(0.05)
        rc, out, err, _ = home.run('once', '--format', 'json', '--history', busy)
        L.check(rc == rc0, 'history in use: the same exit status (%d, expected %d)' % (rc, rc0))
        doc = json.loads(out)
        L.check(len(doc['instances']) == len(json.loads(out0)['instances']), 'history in use: the full report')
        L.check('not recorded in history' in err and 'in use by another rdswatch process (pid %d)'
                % holder.pid in err, 'history in use: stderr says so: %r' % err)
        rc, out, err, _ = home.run('once', '--history', busy)
        L.check(rc == rc0 and b'orders-prod' in out, 'history in use: the text report too (%d)' % rc)

        # A symlink is refused: the report all the same.
        link = os.path.join(home.dir, 'link.db')
        os.symlink(db, link)
        rc, out, err, _ = home.run('once', '--format', 'json', '--history', link)
        L.check(rc == rc0 and json.loads(out)['instances'], 'symlink: the report, exit %d' % rc)
        L.check('not recorded in history' in err, 'symlink: stderr says the run was not recorded: %r' % err)
    finally:
        if holder is not None:
            holder.kill()
            holder.wait()
        home.cleanup()
        fake.stop()
    L.finish()


if __name__ == '__main__':
    main()
