#!/usr/bin/python3
"""No secret leaks, end to end (issue 6).

The local AWS endpoint serves the demo scenario with temporary credentials
(a secret access key and a session token made up here), the PostgreSQL rig
stands in for orders-prod, whose monitoring role's password is given to
rdswatch in its config file, and a session on the rig is running
CREATE ROLE ... PASSWORD with that password as its literal. After `once`
(recording into history, with --debug all and a debug log) and every
export (Markdown, JSON Lines, CSV, text), none of the secrets is in the
history file (nor its -wal, -shm or lock), any export, the debug log, the
report or standard error - while the session and its masked query are in
history, so the test looked where the secret would be."""

import glob
import json
import os
import secrets
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sources_lib as L  # noqa: E402

PASSWORD = 'hunter2'
SPEED = 100


def scenario_with_credentials(path, secret_key, token):
    """The demo scenario whose default credentials are temporary ones."""
    with open(os.path.join(L.TOP, 'tests/rig/scenarios/demo.json')) as f:
        scn = json.load(f)
    for c in scn['credentials']:
        c.pop('default', None)
    scn['credentials'].insert(0, {'access_key_id': 'ASIAE2ELEAKTEST00001', 'secret_access_key': secret_key,
                                  'session_token': token, 'user': 'rdswatch-oncall', 'default': True})
    with open(path, 'w') as f:
        json.dump(scn, f)


def main():
    L.require()
    secret_key = 'e2eSecretKey' + secrets.token_hex(14)
    token = 'IQoJb3JpZ2luX2VjE2E' + secrets.token_hex(40)
    rig = L.Rig()
    fake = home = None
    tmp = tempfile.mkdtemp(prefix='rdswatch-e2e-secrets.')
    try:
        rig.psql("CREATE ROLE rdswatch LOGIN PASSWORD '%s'; GRANT pg_monitor TO rdswatch;"
                 "CREATE ROLE orders_app LOGIN CREATEROLE PASSWORD 'orders-app-password';" % PASSWORD)
        # Sent and never answered: the session stays active with this text.
        leak = rig.open('--user', 'orders_app', '--password', 'orders-app-password', '--plain',
                        '--count', '1', '--app', 'leaky',
                        '--active', "CREATE ROLE leak_x PASSWORD '%s'; SELECT pg_sleep(600)" % PASSWORD)
        scn = os.path.join(tmp, 'scenario.json')
        scenario_with_credentials(scn, secret_key, token)
        fake = L.Fake(scn, speed=SPEED, env={'PGPORT': str(rig.port)})
        L.check(fake.env.get('AWS_SESSION_TOKEN') == token and
                fake.env.get('AWS_SECRET_ACCESS_KEY') == secret_key,
                'the endpoint hands out the temporary credentials')
        home = L.Home(fake, (
            '[pg]\nsslrootcert = %s\nuser = rdswatch\npassword = %s\n'
            '[instance orders-prod]\nauth = password\n') % (rig.env['RIG_PG_CA'], PASSWORD))
        state = os.path.join(home.dir, 'state')
        db = os.path.join(state, 'history.db')
        debug = os.path.join(home.dir, 'debug.log')
        fake.wait_scenario(300)
        outputs = {}
        for n in range(2):
            rc, out, err, took = home.run('once', '--format', 'json' if n else 'text', '--history', db,
                                          '--debug', 'all', '--log', debug)
            L.check(rc == 2, 'once %d: exit 2 (critical alerts), got %d: %s' % (n, rc, err[-500:]))
            L.check('not recorded' not in err, 'once %d recorded its run: %s' % (n, err[-500:]))
            outputs['once%d.out' % n], outputs['once%d.err' % n] = out, err.encode()
        doc = json.loads(outputs['once1.out'])
        prod = L.instance(doc, 'orders-prod')
        held = [x for x in prod['sessions'] if x['pid'] in leak]
        L.check(len(held) == 1 and held[0]['state'] == 'active' and
                'CREATE ROLE leak_x PASSWORD' in (held[0]['query'] or ''),
                'the CREATE ROLE session is reported, running, its literal masked: %s' % held)
        L.check(L.source(doc, 'pg', 'orders-prod')['ok'] is True, 'pg orders-prod connected with the password')

        exports = os.path.join(tmp, 'exports')
        os.mkdir(exports, 0o700)
        for args in (['-f', 'markdown', '--since', '1d', '-o', os.path.join(exports, 'out.md')],
                     ['-f', 'jsonl', '--since', '30d', '-o', os.path.join(exports, 'out.jsonl')],
                     ['-f', 'csv', '--since', '30d', '-o', os.path.join(exports, 'csv')],
                     ['-f', 'text', '--width', '200', '-o', os.path.join(exports, 'out.txt')]):
            rc, out, err, took = home.run('export', '--history', db, *args)
            L.check(rc == 0, 'export %s: %d %s' % (args[1], rc, err))
            outputs['export-%s.err' % args[1]] = err.encode()
        with open(os.path.join(exports, 'out.jsonl')) as f:
            sessions = [json.loads(line) for line in f]
        sessions = [r['fields'] for r in sessions if r['type'] == 'session']
        masked = [s for s in sessions if s['pid'] in leak and
                  'CREATE ROLE leak_x PASSWORD' in (s['query'] or '')]
        L.check(masked, 'the CREATE ROLE session and its masked query are in history')
        with open(os.path.join(exports, 'out.txt')) as f:
            L.check('leaky' in f.read(), 'the text export shows the session')

        files = [p for p in glob.glob(os.path.join(state, '**'), recursive=True) if os.path.isfile(p)]
        files += [p for p in glob.glob(os.path.join(exports, '**'), recursive=True) if os.path.isfile(p)]
        files.append(debug)
        L.check(any(p.endswith('history.db') for p in files), 'the history file exists: %s' % files)
        with open(debug, 'rb') as f:
            log = f.read()
        L.check(b'committed poll' in log, 'the debug log has the store category')
        L.check(b'once:' in log, 'the debug log has the sources category')
        for name, data in list(outputs.items()) + [(p, open(p, 'rb').read()) for p in files]:
            data = data if isinstance(data, bytes) else data.encode()
            for what, value in (('the DB password', PASSWORD), ('the AWS secret key', secret_key),
                                ('the session token', token)):
                L.check(value.encode() not in data, '%s found in %s' % (what, name))
        print('looked in %d files and %d outputs' % (len(files), len(outputs)))
    finally:
        L.stop_all(home, fake, rig)
        shutil.rmtree(tmp, ignore_errors=True)
    L.finish()


if __name__ == '__main__':
    main()
