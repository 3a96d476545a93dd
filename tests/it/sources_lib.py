"""Helpers for the data sources' tests: a private PostgreSQL rig, the local
AWS endpoint with a scenario, and rdswatch runs in a clean environment.

Each test starts its own rig and endpoint (about 3 s), so what it counts
(sessions, calls) is only what it made. Run by /usr/bin/python3 (Debian's,
whose botocore the endpoint needs)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

TOP = os.environ.get('top_srcdir') or os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
BUILD = os.environ.get('top_builddir') or os.path.join(TOP, 'build')
RDSWATCH = os.environ.get('RDSWATCH') or os.path.join(BUILD, 'rdswatch')
POLL = os.path.join(BUILD, 'tests/it/sources-poll')
PSQL = '/usr/lib/postgresql/15/bin/psql'

failures = []


def skip(why):
    if os.environ.get('CI') == 'true':
        print('FAIL (CI=true forbids skipping):', why)
        sys.exit(1)
    print('SKIP:', why)
    sys.exit(77)


def check(cond, what):
    if not cond:
        failures.append(what)
        print('FAIL:', what)
    return cond


def finish():
    print('%d problems' % len(failures))
    sys.exit(1 if failures else 0)


def require(poll=False):
    if not os.access(RDSWATCH, os.X_OK):
        skip('rdswatch not built at %s' % RDSWATCH)
    if poll and not os.access(POLL, os.X_OK):
        skip('sources-poll not built at %s' % POLL)
    try:
        import botocore  # noqa: F401
    except ImportError:
        skip('python3-botocore is needed for the local AWS endpoint')


def parse_exports(text):
    env = {}
    for line in text.splitlines():
        if line.startswith('export ') and '=' in line:
            name, value = line[len('export '):].split('=', 1)
            env[name] = value
    return env


class Rig:
    """A private PostgreSQL rig (tests/rig/pg/start)."""

    def __init__(self):
        if not os.access(os.path.join('/usr/lib/postgresql/15/bin', 'initdb'), os.X_OK):
            skip('PostgreSQL 15 is not installed (scripts/install-deps)')
        out = subprocess.run([os.path.join(TOP, 'tests/rig/pg/start')], capture_output=True,
                             text=True, env=dict(os.environ))
        if out.returncode != 0:
            raise RuntimeError('the PostgreSQL rig did not start: ' + out.stderr)
        self.env = parse_exports(out.stdout)
        self.port = int(self.env['PGPORT'])
        self.holders = []

    def psql(self, sql, db='postgres'):
        cmd = [PSQL, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', self.env['RIG_PG_SOCKDIR'],
               '-p', str(self.port), '-U', 'postgres', '-d', db, '-At', '-c', sql]
        if os.getuid() == 0:
            cmd = ['runuser', '-u', 'postgres', '--'] + cmd
        out = subprocess.run(cmd, capture_output=True, text=True, cwd='/')
        if out.returncode != 0:
            raise RuntimeError('psql: %s: %s' % (sql, out.stderr))
        return out.stdout

    def open(self, *args):
        """Holds sessions (tests/rig/pg/open ARGS); returns their backend pids."""
        env = dict(os.environ, **self.env)
        out = subprocess.run([os.path.join(TOP, 'tests/rig/pg/open')] + list(args),
                             capture_output=True, text=True, env=env)
        if out.returncode != 0:
            raise RuntimeError('open %s: %s' % (args, out.stderr))
        words = out.stdout.split()
        self.holders.append(int(words[0]))
        return [int(p) for p in words[1:]]

    def stop(self):
        subprocess.run([os.path.join(TOP, 'tests/rig/pg/stop'), self.env['RIG_PG_DIR']],
                       capture_output=True)


class Fake:
    """The local AWS endpoint serving SCENARIO (ENV adds to its environment,
    e.g. PGPORT for the demo's orders-prod endpoint)."""

    def __init__(self, scenario, speed=None, env=None):
        args = [os.path.join(TOP, 'tests/rig/fakeaws/start'), '--scenario', scenario,
                '--lifetime', '900']
        if speed is not None:
            args += ['--speed', str(speed)]
        self.start_env = dict(os.environ, **(env or {}))
        out = subprocess.run(args, capture_output=True, text=True, env=self.start_env)
        if out.returncode != 0:
            raise RuntimeError('the local AWS endpoint did not start: ' + out.stderr)
        self.env = parse_exports(out.stdout)
        self.control = self.env['FAKEAWS_CONTROL']
        self.scenario_file = scenario

    def ctl(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.control + path, data=data, method=method,
                                     headers={'Content-Type': 'application/json'})
        return json.loads(urllib.request.urlopen(req, timeout=10).read().decode())

    def counters(self):
        return self.ctl('GET', '/counters')['counters']

    def count(self, service, op):
        return self.counters().get(service, {}).get(op, 0)

    def requests(self, service=None, operation=None):
        q = []
        if service:
            q.append('service=' + service)
        if operation:
            q.append('operation=' + operation)
        return self.ctl('GET', '/requests' + ('?' + '&'.join(q) if q else ''))['requests']

    def time(self):
        return self.ctl('GET', '/time')

    def wait_scenario(self, seconds):
        """Waits until the scenario clock passes SECONDS."""
        while self.time()['scenario_seconds'] < seconds:
            time.sleep(0.2)

    def expand(self):
        out = subprocess.run(['/usr/bin/python3', os.path.join(TOP, 'tests/rig/fakeaws/expand'),
                              self.scenario_file], capture_output=True, text=True,
                             env=self.start_env, check=True)
        return json.loads(out.stdout)

    def stop(self):
        subprocess.run([os.path.join(TOP, 'tests/rig/fakeaws/stop'), self.env['FAKEAWS_PID']],
                       capture_output=True)


class Home:
    """A clean environment for rdswatch: a private HOME, no AWS settings
    but the endpoint's, and a config file."""

    def __init__(self, fake, config=''):
        self.dir = tempfile.mkdtemp(prefix='rdswatch-sources.')
        os.makedirs(os.path.join(self.dir, 'home', '.aws'))
        self.config = os.path.join(self.dir, 'config')
        self.write_config(config)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith('AWS_') and not k.startswith('PG')}
        env.update({k: v for k, v in fake.env.items() if k.startswith('AWS_')})
        env.update({'HOME': os.path.join(self.dir, 'home'),
                    'XDG_STATE_HOME': os.path.join(self.dir, 'state'),
                    'XDG_CONFIG_HOME': os.path.join(self.dir, 'xdg'),
                    'AWS_EC2_METADATA_DISABLED': 'true'})
        self.env = env

    def write_config(self, text):
        with open(self.config, 'w') as f:
            f.write(text)
        os.chmod(self.config, 0o600)

    def run(self, *args, timeout=60):
        t0 = time.monotonic()
        out = subprocess.run([RDSWATCH] + list(args) + ['--config', self.config],
                             capture_output=True, env=self.env, timeout=timeout)
        err = out.stderr.decode(errors='replace')
        # The sanitizer build: any report is a failure, whatever the exit status.
        check('Sanitizer' not in err and 'runtime error' not in err,
              'rdswatch %s: sanitizer report:\n%s' % (' '.join(args), err[-3000:]))
        return out.returncode, out.stdout, err, time.monotonic() - t0

    def once_json(self, *args, timeout=60):
        rc, out, err, took = self.run('once', '--format', 'json', *args, timeout=timeout)
        try:
            doc = json.loads(out)
        except ValueError:
            raise RuntimeError('once printed no JSON (exit %d): %s %s' % (rc, out[:500], err))
        return rc, doc, err, took

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def stop_all(*parts):
    """Stops what a test started (a Home, Fake or Rig; None is skipped)."""
    for part in parts:
        if part is not None:
            (part.cleanup if isinstance(part, Home) else part.stop)()


def instance(doc, ident):
    for i in doc['instances']:
        if i['id'] == ident:
            return i
    return None


def source(doc, name, inst=None):
    for s in doc['sources']:
        if s['name'] == name and s['instance'] == inst:
            return s
    return None
