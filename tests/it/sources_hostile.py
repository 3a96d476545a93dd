#!/usr/bin/python3
"""Hostile strings from AWS reach rdswatch raw and leave it neutralized.
The local AWS endpoint puts ESC sequences, BEL, a C1 control (CSI,
U+009B) and a bidi override (U+202E) into an RDS event message, an
instance tag and a GuardDuty finding's title, description and user. The
raw bytes are in the answers to the calls rdswatch makes (the same calls
made with botocore show them, and the request log shows rdswatch's calls
answered), and none of them is in `once`'s JSON or text output, where the
visible escapes are.

(Invalid UTF-8 cannot come through the endpoint, which encodes its
answers from text; the XML reader's handling of it is tested in
tests/unit/test_sources.c and fuzzed.)"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sources_lib as L  # noqa: E402

HOSTILE = 'A\x1b]0;owned\x07B\x1b[2J\x9bC\u202eD'
RAW = [b'\x1b]0;owned\x07', b'\x1b[2J', b'\xc2\x9b', b'\xe2\x80\xae']
ESCAPED = 'A\\x1b]0;owned\\x07B\\x1b[2J\\u009bC\\u202eD'


def raw_answer(fake, home, *cli):
    """The endpoint's raw answer to a call, as botocore receives it."""
    import subprocess
    env = dict(home.env, AWS_CONFIG_FILE='/dev/null', AWS_SHARED_CREDENTIALS_FILE='/dev/null')
    out = subprocess.run(['/usr/bin/aws', '--endpoint-url', fake.env['AWS_ENDPOINT_URL'], '--debug'] +
                         list(cli), capture_output=True, env=env)
    return out.stderr


def main():
    L.require()
    fake = L.Fake(os.path.join(L.TOP, 'tests/rig/scenarios/demo.json'))
    home = L.Home(fake, '[pg]\nenabled = false\n')
    try:
        fake.ctl('POST', '/events', {'attributes': {
            'SourceIdentifier': 'orders-prod', 'SourceType': 'db-instance',
            'Message': 'event ' + HOSTILE, 'EventCategories': ['notification']}})
        fake.ctl('POST', '/instances/orders-prod', {'attributes': {'TagList': [
            {'Key': 'env', 'Value': 'production'}, {'Key': 'owner', 'Value': HOSTILE}]}})
        fake.ctl('POST', '/findings', {'attributes': {
            'Type': 'CredentialAccess:RDS/TorIPCaller.FailedLogin', 'Severity': 5.0,
            'Title': 'title ' + HOSTILE, 'Description': 'description ' + HOSTILE,
            'Resource': {'ResourceType': 'RDSDBInstance',
                         'RdsDbInstanceDetails': {'DbInstanceIdentifier': 'orders-prod'},
                         'RdsDbUserDetails': {'User': 'user ' + HOSTILE}},
            'Service': {'Action': {'ActionType': 'RDS_LOGIN_ATTEMPT'}}}})
        fake.ctl('POST', '/reset')

        rc, out, err, took = home.run('once', '--format', 'json')
        text_rc, text, text_err, _ = home.run('once', '--format', 'text')
        # rdswatch made the calls, and they were answered.
        for service, op in (('rds', 'DescribeEvents'), ('rds', 'DescribeDBInstances'),
                            ('guardduty', 'GetFindings')):
            calls = fake.requests(service, op)
            L.check(calls and all(c['status'] == 200 for c in calls),
                    'rdswatch called %s %s and got answers: %s' % (service, op, [c['status'] for c in calls]))
        # What those calls answer holds the raw bytes.
        events = raw_answer(fake, home, 'rds', 'describe-events', '--duration', '60')
        tags = raw_answer(fake, home, 'rds', 'describe-db-instances', '--db-instance-identifier', 'orders-prod')
        det = fake.requests('guardduty', 'GetFindings')[0]['params']['DetectorId']
        ids = fake.requests('guardduty', 'GetFindings')[-1]['params']['FindingIds']
        findings = raw_answer(fake, home, 'guardduty', 'get-findings', '--detector-id', det,
                              '--finding-ids', *ids)
        for name, answer in (('event', events), ('tag', tags)):
            # botocore's debug log prints the body as a bytes literal.
            literal = answer.decode(errors='replace')
            L.check('\\x1b]0;owned\\x07' in literal and '\\xe2\\x80\\xae' in literal,
                    'the raw %s reached the client' % name)
        # JSON carries them as \u escapes, which decode to the raw characters.
        literal = findings.decode(errors='replace')
        L.check('\\\\u001b]0;owned\\\\u0007' in literal and '\\\\u202e' in literal.lower(),
                'the raw finding reached the client: %s' % [l for l in literal.splitlines() if 'owned' in l][:1])

        # Nothing of it leaves rdswatch: not in the JSON, not in the text.
        for what, data in (('json', out), ('text', text), ('stderr', (err + text_err).encode())):
            for raw in RAW:
                L.check(raw not in data, '%s output holds %r' % (what, raw))
            L.check(b'\x1b' not in data and b'\x07' not in data, '%s: no ESC or BEL at all' % what)
        doc = json.loads(out)
        prod = L.instance(doc, 'orders-prod')
        L.check(any(e['message'] == 'event ' + ESCAPED for e in prod['events']),
                'event message escaped: %s' % [e['message'] for e in prod['events'] if 'event A' in e['message']])
        L.check('owner=' + ESCAPED in prod['tags'], 'tag escaped: %s' % prod['tags'])
        f = [x for x in prod['findings'] if x['title'].startswith('title ')]
        L.check(len(f) == 1 and f[0]['title'] == 'title ' + ESCAPED and
                f[0]['description'] == 'description ' + ESCAPED and f[0]['db_user'] == 'user ' + ESCAPED,
                'finding fields escaped: %s' % f)
        L.check(b'\\x1b]0;owned\\x07' in text, 'the text report shows the escapes')
        # A consumer that un-escapes JSON still gets no control character.
        for e in prod['events']:
            L.check(all(ord(ch) >= 0x20 and not 0x7f <= ord(ch) <= 0x9f and ch != '\u202e'
                        for ch in e['message']), 'un-escaped event message is clean')
    finally:
        home.cleanup()
        fake.stop()
    L.finish()


if __name__ == '__main__':
    main()
