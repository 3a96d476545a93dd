"""Shared helpers for fakeaws's tests (not a test itself).

Each test file runs standalone: `/usr/bin/python3 FILE`, exit 0 pass,
77 skip (something absent, and CI is not "true"), anything else fail.
Tests start the endpoint with the real `start` script and stop it with
`stop`, talk to it with Debian's botocore in-process and with Debian's
/usr/bin/aws, and judge its responses with botocore's parsers and
validator against the newest service models available.
"""

import atexit
import contextlib
import datetime
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest
import urllib.request
import warnings
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
RIG = os.path.dirname(HERE)                          # tests/rig/fakeaws
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(RIG)))
SRCDIR = os.environ.get('srcdir') or ROOT
SCENARIOS = os.path.join(RIG, '..', 'scenarios')
START = os.path.join(RIG, 'start')
STOP = os.path.join(RIG, 'stop')
AWS_CLI = '/usr/bin/aws'
SYSTEM_PYTHON = '/usr/bin/python3'
NEWER_BOTOCORE_PYTHON = '/root/.pyenv/versions/3.11.7/bin/python3'
CI = os.environ.get('CI') == 'true'
SKIP = 77
PROD_LOG = '/aws/rds/instance/prod-db/postgresql'
DETECTOR = '4ec1b1f2a7d3e8c9b0a1f2e3d4c5b6a7'       # rig.json's GuardDuty detector

# One cheap call per service of rig.json: key -> (botocore service, method, params, operation).
CHEAP_CALLS = {
    'rds': ('rds', 'describe_db_instances', {'MaxRecords': 20}, 'DescribeDBInstances'),
    'cloudwatch': ('cloudwatch', 'get_metric_data', {
        'MetricDataQueries': [], 'StartTime': datetime.datetime(2020, 1, 1),
        'EndTime': datetime.datetime(2020, 1, 2)}, 'GetMetricData'),
    'sts': ('sts', 'get_caller_identity', {}, 'GetCallerIdentity'),
    'ec2': ('ec2', 'describe_security_groups', {}, 'DescribeSecurityGroups'),
    'logs': ('logs', 'filter_log_events', {'logGroupName': PROD_LOG, 'limit': 1},
             'FilterLogEvents'),
    'secretsmanager': ('secretsmanager', 'get_secret_value', {'SecretId': 'rig/binary'},
                       'GetSecretValue'),
    'guardduty': ('guardduty', 'list_detectors', {}, 'ListDetectors'),
}

sys.path.insert(0, RIG)


def scenario(name):
    return os.path.abspath(os.path.join(SCENARIOS, name))


def newer_models_dir():
    """shared/testdata/botocore-models in the project root's parent (or, for a
    worktree, the nearest ancestor that has one); $FAKEAWS_NEWER_MODELS wins."""
    if os.environ.get('FAKEAWS_NEWER_MODELS'):
        chosen = os.environ['FAKEAWS_NEWER_MODELS']
        return chosen if os.path.isdir(chosen) else None
    for base in (SRCDIR, ROOT):
        folder = os.path.dirname(os.path.abspath(base))
        while True:
            path = os.path.join(folder, 'shared', 'testdata', 'botocore-models')
            if os.path.isdir(path):
                return path
            if os.path.dirname(folder) == folder:
                break
            folder = os.path.dirname(folder)
    return None


def require(condition, what):
    """Skip the whole file (exit 77) unless `condition`: `what` says what it needs.
    Under CI=true a missing prerequisite is a failure instead."""
    if condition:
        return
    if CI:
        print(f'FAIL: needs {what} (CI=true)', file=sys.stderr)
        sys.exit(1)
    print(f'SKIP: needs {what}', file=sys.stderr)
    sys.exit(SKIP)


# Debian's botocore is the oracle: refuse to judge with another interpreter's.
require(os.path.realpath(sys.executable) == os.path.realpath(SYSTEM_PYTHON)
        or os.environ.get('FAKEAWS_ANY_PYTHON') == '1',
        f'to run under {SYSTEM_PYTHON} (Debian botocore), not {sys.executable}')


def main():
    """Run the calling file's TestCases with the automake exit-code contract."""
    warnings.simplefilter('default')
    warnings.simplefilter('ignore', ResourceWarning)    # botocore's pooled sockets
    program = unittest.main(module='__main__', exit=False, verbosity=2, warnings=False)
    result = program.result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(SKIP)
    sys.exit(0)


# ---------------------------------------------------------------- the rig

class Rig:
    """One fakeaws process started with `start`; stopped with `stop`."""

    def __init__(self, scenario_file, speed=None, extra_env=None, lifetime=600):
        command = [START, '--scenario', scenario_file, '--lifetime', str(lifetime)]
        if speed is not None:
            command += ['--speed', str(speed)]
        env = dict(os.environ, **(extra_env or {}))
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise RuntimeError(f'start failed ({done.returncode}): {done.stderr}')
        self.exports_text = done.stdout
        self.env = parse_exports(done.stdout)
        self.endpoint = self.env['AWS_ENDPOINT_URL']
        self.region = self.env['AWS_REGION']
        self.pid = int(self.env['FAKEAWS_PID'])
        self.doc = self.control('GET', '/scenario')

    def stop(self):
        subprocess.run([STOP, str(self.pid)], capture_output=True, timeout=30, check=False)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.env['FAKEAWS_CONTROL'] + path, data=data,
                                         method=method,
                                         headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def counters(self):
        return self.control('GET', '/counters')['counters']

    def count(self, service, operation):
        return self.counters().get(service, {}).get(operation, 0)

    def reset(self):
        self.control('POST', '/reset', {})
        self.control('DELETE', '/faults')

    def fault(self, **spec):
        return self.control('POST', '/faults', spec)['ids'][0]

    def client(self, service, access_key=None, secret_key=None, token=None, region=None,
               retries=3, read_timeout=10, endpoint=None, **config):
        """A Debian botocore client for this endpoint (standard retry mode)."""
        import botocore.config
        import botocore.session
        session = botocore.session.get_session()
        settings = botocore.config.Config(
            retries={'mode': 'standard', 'total_max_attempts': retries}, connect_timeout=5,
            read_timeout=read_timeout, **config)
        return session.create_client(
            service, region_name=region or self.region, endpoint_url=endpoint or self.endpoint,
            aws_access_key_id=access_key or self.env['AWS_ACCESS_KEY_ID'],
            aws_secret_access_key=secret_key or self.env['AWS_SECRET_ACCESS_KEY'],
            aws_session_token=token, config=settings)

    def cheap_call(self, key, **client_args):
        """Make CHEAP_CALLS[key] with a client of this rig."""
        service, method, params, _ = CHEAP_CALLS[key]
        return getattr(self.client(service, **client_args), method)(**params)

    def aws(self, *args, env=None, expect_ok=True, timeout=60):
        """Run Debian's aws CLI against the endpoint; (returncode, parsed JSON or None, stderr)."""
        return run_aws(args, self.endpoint, dict(self.credential_env(), **(env or {})),
                       expect_ok=expect_ok, timeout=timeout)

    def credential_env(self):
        return {k: self.env[k] for k in ('AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY',
                                         'AWS_REGION', 'AWS_DEFAULT_REGION')}


class SharedRig:
    """One Rig for a whole test file:

        RIG = harness.SharedRig('rig.json')
        setUpModule, tearDownModule = RIG.start, RIG.stop
    """

    def __init__(self, scenario_name, **options):
        self._scenario = scenario(scenario_name)
        self._options = options
        self._rig = None

    def start(self):
        self._rig = Rig(self._scenario, **self._options)

    def stop(self):
        if self._rig is not None:
            self._rig.stop()

    def __getattr__(self, name):
        return getattr(self._rig, name)


def parse_exports(text):
    values = {}
    for line in text.splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == 'export' and '=' in words[1]:
            name, _, value = words[1].partition('=')
            values[name] = value
    return values


_aws_home = tempfile.mkdtemp(prefix='fakeaws-test-home.')
atexit.register(shutil.rmtree, _aws_home, True)


def clean_aws_env(extra):
    """An environment where the aws CLI sees only what a test gives it."""
    env = {'PATH': '/usr/bin:/bin', 'HOME': _aws_home, 'LANG': 'C.UTF-8',
           'AWS_CONFIG_FILE': os.path.join(_aws_home, 'no-config'),
           'AWS_SHARED_CREDENTIALS_FILE': os.path.join(_aws_home, 'no-credentials'),
           'AWS_PAGER': '', 'AWS_RETRY_MODE': 'standard', 'AWS_MAX_ATTEMPTS': '3',
           'AWS_EC2_METADATA_DISABLED': 'true'}
    env.update(extra)
    return env


def run_aws(args, endpoint, env, expect_ok=True, timeout=60):
    command = [AWS_CLI, '--endpoint-url', endpoint, '--output', 'json', *args]
    done = subprocess.run(command, env=clean_aws_env(env), capture_output=True, text=True,
                          timeout=timeout)
    if expect_ok and done.returncode != 0:
        raise AssertionError(f'aws {" ".join(args)} failed ({done.returncode}): {done.stderr}')
    parsed = json.loads(done.stdout) if done.stdout.strip() else None
    return done.returncode, parsed, done.stderr


def parallel(functions, workers=None):
    """Run callables a few at a time (one per CPU, at least two); return their
    results in order, re-raising the first error."""
    from concurrent.futures import ThreadPoolExecutor
    workers = workers or max(2, os.cpu_count() or 2)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(function) for function in functions]
        return [future.result() for future in futures]


# ---------------------------------------------------------------- raw responses

class ResponseCapture:
    """Collects botocore's raw HTTP responses (status, headers, body) per thread."""

    def __init__(self):
        self._local = threading.local()

    def emit(self, event_type, payload, source):
        if event_type == 'HTTP_RESPONSE':
            self.responses().append(payload)

    def responses(self):
        if not hasattr(self._local, 'items'):
            self._local.items = []
        return self._local.items

    @contextlib.contextmanager
    def capture(self):
        self._local.items = []
        yield self._local.items


_capture = None


def response_capture():
    global _capture
    if _capture is None:
        from botocore.history import get_global_history_recorder
        _capture = ResponseCapture()
        recorder = get_global_history_recorder()
        recorder.add_handler(_capture)
        recorder.enable()
    return _capture


# ---------------------------------------------------------------- wire audit

def unknown_wire_keys(protocol, shape, body):
    """Paths of elements/keys in a response body that the output shape does not have.

    botocore's parsers silently drop what the model does not name, so this is
    how a misspelled wire name is caught."""
    if protocol in ('query', 'ec2'):
        root = ET.fromstring(body)
        container = root
        wrapper = shape.serialization.get('resultWrapper') if protocol == 'query' else None
        problems = []
        for child in root:
            name = _local(child.tag)
            if name == wrapper:
                container = child
            elif name not in ('ResponseMetadata', 'requestId') and protocol == 'query':
                problems.append(name)
        if container is root and protocol == 'query' and wrapper:
            return problems + [f'<missing {wrapper}>']
        skip = {'requestId'} if protocol == 'ec2' else {'ResponseMetadata'}
        return problems + _xml_audit(shape, container, '', skip)
    return _json_audit(shape, json.loads(body), '')


def _local(tag):
    return tag.split('}', 1)[-1]


def _xml_audit(shape, element, path, skip=()):
    problems = []
    if shape.type_name == 'structure':
        names = {}
        for name, member in shape.members.items():
            wire = member.serialization.get('name', name)
            if member.type_name == 'list' and member.serialization.get('flattened'):
                wire = member.member.serialization.get('name', wire)
            names[wire] = member
        for child in element:
            tag = _local(child.tag)
            if tag in skip:
                continue
            member = names.get(tag)
            if member is None:
                problems.append(f'{path}/{tag}')
            elif member.type_name == 'list' and member.serialization.get('flattened'):
                problems += _xml_audit(member.member, child, f'{path}/{tag}')
            else:
                problems += _xml_audit(member, child, f'{path}/{tag}')
    elif shape.type_name == 'list':
        item = shape.member.serialization.get('name', 'member')
        for child in element:
            if _local(child.tag) != item:
                problems.append(f'{path}/{_local(child.tag)}')
            else:
                problems += _xml_audit(shape.member, child, f'{path}/{item}')
    elif shape.type_name == 'map':
        for entry in element:
            for part in entry:
                problems += _xml_audit(shape.value, part, f'{path}/entry') \
                    if _local(part.tag) == 'value' else []
    return problems


def _json_audit(shape, value, path):
    problems = []
    if shape.type_name == 'structure' and isinstance(value, dict):
        names = {member.serialization.get('name', name): member
                 for name, member in shape.members.items()}
        for key, item in value.items():
            member = names.get(key)
            if member is None:
                problems.append(f'{path}.{key}')
            else:
                problems += _json_audit(member, item, f'{path}.{key}')
    elif shape.type_name == 'list' and isinstance(value, list):
        for index, item in enumerate(value):
            problems += _json_audit(shape.member, item, f'{path}[{index}]')
    elif shape.type_name == 'map' and isinstance(value, dict):
        for key, item in value.items():
            problems += _json_audit(shape.value, item, f'{path}.{key}')
    return problems


def oracle_raw(service_name):
    """The newest raw model dict for a service: the upstream files for rds and
    guardduty (from shared/testdata/botocore-models) completed with Debian's
    botocore, Debian's botocore otherwise."""
    from botocore.loaders import Loader
    if service_name in ('rds', 'guardduty'):
        version = {'rds': '2014-10-31', 'guardduty': '2017-11-28'}[service_name]
        path = os.path.join(newer_models_dir(), service_name, version, 'service-2.json')
        with open(path, encoding='utf-8') as f:
            newer = json.load(f)
        # The upstream files keep only some operations (SOURCE.md there);
        # the others (DescribeDBClusterSnapshots...) are judged by Debian's.
        debian = Loader().load_service_model(service_name, 'service-2')
        for section in ('operations', 'shapes'):
            for name, definition in debian[section].items():
                newer[section].setdefault(name, definition)
        return newer
    return Loader().load_service_model(service_name, 'service-2')


def oracle_model(service_name):
    from botocore.model import ServiceModel
    return ServiceModel(oracle_raw(service_name), service_name)


def judge(protocol, operation_model, response_dict):
    """Parse a raw response with botocore and validate it; returns (parsed, problems)."""
    from botocore.parsers import create_parser
    from botocore.validate import ParamValidator
    shape = operation_model.output_shape
    parsed = create_parser(protocol).parse(response_dict, shape)
    parsed.pop('ResponseMetadata', None)
    problems = []
    if response_dict['status_code'] != 200:
        problems.append(f"HTTP {response_dict['status_code']}: {response_dict['body'][:300]!r}")
    if shape is not None:
        report = ParamValidator().validate(parsed, shape)
        if report.has_errors():
            problems.append(report.generate_report())
        problems += [f'unknown wire name {p}' for p in
                     unknown_wire_keys(protocol, shape, response_dict['body'])]
    return parsed, problems
