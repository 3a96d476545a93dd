#!/usr/bin/python3
"""`rdswatch token` against botocore's generate_db_auth_token.

For users with spaces, '+', '@' and UTF-8, hosts in .amazonaws.com and
.amazonaws.com.cn, with and without a session token holding '+', '/'
and '=': the token rdswatch prints (and nothing else on stdout) equals,
parsed and as a string, what botocore generates for the same inputs and
the same clock (read back from the token's X-Amz-Date).
"""

import datetime
import os
import subprocess
import sys
import tempfile
import types
from urllib.parse import parse_qsl

import botocore.auth
import botocore.session

AKID = 'AKIDEXAMPLETOKEN0001'
SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEPT//////////wEaCXVzLWVhc3QtMSJH+abc/def=ghi+jkl==' * 3


class FixedClock(datetime.datetime):
    now_value = None

    @classmethod
    def utcnow(cls):
        return cls.now_value


botocore.auth.datetime = types.SimpleNamespace(datetime=FixedClock, timezone=datetime.timezone)
if botocore.auth.HAS_CRT:
    import botocore.crt.auth
    botocore.crt.auth.datetime = botocore.auth.datetime

CASES = [
    # host, port, user, --region (None: from the host), session token?
    ('mydb.c9akciq32.eu-west-1.rds.amazonaws.com', 5432, 'iam_user', 'eu-west-1', False),
    ('mydb.c9akciq32.eu-west-1.rds.amazonaws.com', 5432, 'iam_user', 'eu-west-1', True),
    ('mydb.c9akciq32.us-east-1.rds.amazonaws.com', 5432, 'user with spaces', 'us-east-1', True),
    ('mydb.c9akciq32.us-east-1.rds.amazonaws.com', 6543, 'a+b@example.com', 'us-east-1', False),
    ('mydb.c9akciq32.us-east-1.rds.amazonaws.com', 5432, 'ünïcødé_用户', 'us-east-1', True),
    ('db.xyz123.cn-north-1.rds.amazonaws.com.cn', 5432, 'ops+oncall@corp', 'cn-north-1', True),
    ('db.xyz123.cn-northwest-1.rds.amazonaws.com.cn', 3306, 'app', None, False),
    ('db.abc.us-gov-west-1.rds.amazonaws.com', 5432, 'gov user', None, True),
]


def botocore_token(host, port, user, region, token, amz_date):
    session = botocore.session.Session()
    session.set_credentials(AKID, SECRET, token)
    client = session.create_client('rds', region_name=region)
    FixedClock.now_value = datetime.datetime.strptime(amz_date, '%Y%m%dT%H%M%SZ')
    return client.generate_db_auth_token(host, port, user, Region=region)


def main():
    rdswatch = os.environ.get('RDSWATCH', os.path.join(os.path.dirname(__file__), '..', '..',
                                                       'build', 'rdswatch'))
    failures = 0
    with tempfile.TemporaryDirectory() as home:
        for host, port, user, region, with_token in CASES:
            env = {'PATH': '/usr/bin:/bin', 'HOME': home, 'AWS_CONFIG_FILE': '/dev/null',
                   'AWS_SHARED_CREDENTIALS_FILE': '/dev/null', 'AWS_EC2_METADATA_DISABLED': 'true',
                   'AWS_ACCESS_KEY_ID': AKID, 'AWS_SECRET_ACCESS_KEY': SECRET,
                   'XDG_CONFIG_HOME': home, 'XDG_STATE_HOME': home}
            if with_token:
                env['AWS_SESSION_TOKEN'] = SESSION_TOKEN
            argv = [rdswatch, 'token', '--host', host, '--port', str(port), '--user', user]
            if region:
                argv += ['--region', region]
            p = subprocess.run(argv, env=env, capture_output=True)
            out = p.stdout.decode()
            if p.returncode != 0 or p.stderr or not out.endswith('\n') or out.count('\n') != 1:
                print(f'FAIL {user!r}@{host}: exit {p.returncode}, stdout {out!r}, stderr {p.stderr!r}')
                failures += 1
                continue
            ours = out[:-1]
            query = dict(parse_qsl(ours.split('?', 1)[1], keep_blank_values=True))
            theirs = botocore_token(host, port, user, region or host.split('.')[2],
                                    SESSION_TOKEN if with_token else None, query.get('X-Amz-Date', ''))
            parsed_ours = (ours.split('?', 1)[0], parse_qsl(ours.split('?', 1)[1], keep_blank_values=True))
            parsed_theirs = (theirs.split('?', 1)[0], parse_qsl(theirs.split('?', 1)[1], keep_blank_values=True))
            # With awscrt (what Debian's awscli brings) botocore orders the
            # parameters as rdswatch does, so the strings must match too.
            exact = ours == theirs or not botocore.auth.HAS_CRT
            if parsed_ours != parsed_theirs or not exact:
                print(f'FAIL {user!r}@{host}:{port} token={with_token}\n  rdswatch {ours}\n  botocore {theirs}')
                failures += 1
            else:
                print(f'ok   {user!r}@{host}:{port} region={region or "(from host)"} session-token={with_token}')
            if with_token and 'X-Amz-Security-Token' not in query:
                print('FAIL: no X-Amz-Security-Token in the token')
                failures += 1
    print(f'{len(CASES)} cases, {failures} failed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
