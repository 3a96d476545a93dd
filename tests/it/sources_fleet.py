#!/usr/bin/python3
"""Batching, paging and incremental reads, proven by the local AWS
endpoint's call counters and request log:
  - fleet-230: 230 instances take 3 DescribeDBInstances pages of 100, and
    230 x 8 metrics exactly ceil(1840 / 500) = 4 GetMetricData calls of at
    most 500 queries in one poll (`once`);
  - the demo, polled on a short schedule: after the first poll (the last
    24 h of events, 30 days of findings, 24 h of logs) each poll asks only
    for what is new (DescribeEvents StartTime, ListFindings updatedAt,
    FilterLogEvents startTime move forward to about the last poll)."""

import datetime
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sources_lib as L  # noqa: E402

POLL = L.POLL


def epoch(iso):
    return datetime.datetime.fromisoformat(iso.replace('Z', '+00:00')).timestamp()


def fleet_230():
    fake = L.Fake(os.path.join(L.TOP, 'tests/rig/scenarios/fleet-230.json'))
    # The deadlines are generous: 230 instances' metrics cost the endpoint
    # seconds of Python on a loaded CI machine (sanitizer build), and this
    # test is about batching, not speed.
    home = L.Home(fake, '[pg]\nenabled = false\n[aws]\ntimeout = 60s\n'
                  '[cloudwatch]\ntimeout = 120s\n[rds]\ntimeout = 120s\n')
    try:
        fake.ctl('POST', '/reset')
        rc, doc, err, took = home.once_json(timeout=240)
        print('fleet-230: exit %d in %.1f s' % (rc, took))
        L.check(len(doc['instances']) == 230, '230 instances reported, got %d' % len(doc['instances']))
        c = fake.counters()
        L.check(c['rds'].get('DescribeDBInstances') == 3, 'DescribeDBInstances: 3 pages, got %s'
                % c['rds'].get('DescribeDBInstances'))
        L.check(c['cloudwatch'].get('GetMetricData') == 4, 'GetMetricData: 4 calls, got %s'
                % c['cloudwatch'].get('GetMetricData'))
        sizes = sorted(len(r['params']['MetricDataQueries'])
                       for r in fake.requests('cloudwatch', 'GetMetricData'))
        L.check(sizes == [340, 500, 500, 500], 'queries per call: %s' % sizes)
        pages = [r['params'].get('MaxRecords') for r in fake.requests('rds', 'DescribeDBInstances')]
        L.check(pages == [100, 100, 100], 'pages of 100: %s' % pages)
        with_metrics = sum(1 for i in doc['instances'] if len(i['metrics']) == 8)
        L.check(with_metrics == 230, 'every instance has its 8 metrics (%d do)' % with_metrics)
        cw = L.source(doc, 'cloudwatch')
        L.check(cw['calls'] == 4, 'the cloudwatch source counted its 4 calls: %s' % cw['calls'])
        # 230 x 8 metrics every 10 minutes: 230 * 8 * 4380 * 0.00001 USD.
        L.check(abs(cw['est_monthly_usd'] - 230 * 8 * 4380 * 0.00001) < 0.01,
                'estimated monthly cost %s' % cw['est_monthly_usd'])
    finally:
        home.cleanup()
        fake.stop()


def incremental():
    fake = L.Fake(os.path.join(L.TOP, 'tests/rig/scenarios/demo.json'))
    home = L.Home(fake, '[pg]\nenabled = false\n[cloudwatch]\nenabled = false\n[ec2]\nenabled = false\n'
                  '[rds]\ninterval = 2s\n[guardduty]\ninterval = 2s\n[logs]\ninterval = 2s\n')
    try:
        fake.ctl('POST', '/reset')
        start = time.time()
        out = subprocess.run([POLL, '--seconds', '7', '--config', home.config], env=home.env,
                             capture_output=True, text=True, timeout=60)
        L.check(out.returncode == 0 and out.stdout.endswith('done\n') and 'Sanitizer' not in out.stderr,
                'sources-poll ran: %s %s' % (out.stdout[-300:], out.stderr[-3000:]))
        polls = [line.split() for line in out.stdout.splitlines() if line.startswith('poll ')]
        for name in ('rds', 'guardduty', 'logs'):
            mine = [p for p in polls if p[1] == name]
            L.check(len(mine) >= 2 and all(p[3] == 'ok' for p in mine),
                    '%s polled at least twice, each ok: %s' % (name, mine))

        events = fake.requests('rds', 'DescribeEvents')
        starts = [epoch(r['params']['StartTime']) for r in events]
        L.check(len(starts) >= 2, 'DescribeEvents asked more than once: %d' % len(starts))
        L.check(abs(starts[0] - (start - 86400)) < 10, 'first poll: the last 24 h (%s)'
                % events[0]['params']['StartTime'])
        for r, s in zip(events[1:], starts[1:]):
            L.check(start - 61 <= s <= r['time'], 'a later poll asks from about the last one: %s at %s'
                    % (r['params']['StartTime'], r['time']))

        listings = fake.requests('guardduty', 'ListFindings')
        since = [r['params']['FindingCriteria']['Criterion']['updatedAt']['GreaterThanOrEqual'] / 1000
                 for r in listings]
        L.check(len(since) >= 2, 'ListFindings asked more than once')
        L.check(abs(since[0] - (start - 30 * 86400)) < 10, 'first poll: 30 days of findings')
        for r, s in zip(listings[1:], since[1:]):
            L.check(start - 301 <= s <= r['time'], 'a later poll asks for findings updated since '
                    'about the last one (%s at %s)' % (s, r['time']))
        for r in listings:
            crit = r['params']['FindingCriteria']['Criterion']
            L.check(crit['resource.resourceType'] == {'Eq': ['RDSDBInstance']},
                    'findings of RDS DB instances only: %s' % crit)

        for group in ('/aws/rds/instance/orders-prod/postgresql',
                      '/aws/rds/instance/billing-staging/postgresql'):
            reads = [r for r in fake.requests('logs', 'FilterLogEvents')
                     if r['params']['logGroupName'] == group]
            L.check(len(reads) >= 2, '%s read more than once' % group)
            if reads:
                L.check(abs(reads[0]['params']['startTime'] / 1000 - (start - 86400)) < 10,
                        '%s: first read from 24 h back' % group)
            for r in reads[1:]:
                L.check(r['params']['startTime'] / 1000 >= start - 121,
                        '%s: later reads start near the last one: %s' % (group, r['params']['startTime']))
            for r in reads:
                L.check(r['params'].get('filterPattern') == '?FATAL ?Role ?Password ?password',
                        '%s: filtered to failures' % group)
        # Not exported: downloaded from where the last read stopped.
        portions = [r for r in fake.requests('rds', 'DownloadDBLogFilePortion')
                    if r['params']['DBInstanceIdentifier'] == 'analytics-legacy']
        L.check(len(portions) >= 1, 'analytics-legacy log downloaded')
        L.check(not fake.requests('rds', 'DescribeDBInstances')[1:] or
                all(r['status'] == 200 for r in fake.requests('rds')), 'rds calls succeeded')
    finally:
        home.cleanup()
        fake.stop()


def main():
    L.require(poll=True)
    fleet_230()
    incremental()
    L.finish()


if __name__ == '__main__':
    main()
