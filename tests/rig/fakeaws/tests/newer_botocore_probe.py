"""Helper for test_protocols.py, run by a *newer* botocore's Python (not a test).

Reads the endpoint given in the environment (AWS_ENDPOINT_URL, keys, region)
with that botocore's own clients and models and prints what it parsed as
JSON. Exit 3 when the interpreter's botocore is too old to be a second oracle.
"""

import datetime
import json
import os
import sys

try:
    import botocore
    import botocore.session
    from botocore.exceptions import ClientError
except ImportError:
    print('no botocore', file=sys.stderr)
    sys.exit(3)

if tuple(int(p) for p in botocore.__version__.split('.')[:2]) < (1, 42):
    print(f'botocore {botocore.__version__} is older than 1.42', file=sys.stderr)
    sys.exit(3)

DETECTOR = '4ec1b1f2a7d3e8c9b0a1f2e3d4c5b6a7'


def client(name):
    session = botocore.session.get_session()
    return session.create_client(name, region_name=os.environ['AWS_REGION'],
                                 endpoint_url=os.environ['AWS_ENDPOINT_URL'],
                                 aws_access_key_id=os.environ['AWS_ACCESS_KEY_ID'],
                                 aws_secret_access_key=os.environ['AWS_SECRET_ACCESS_KEY'])


def main():
    result = {}
    cloudwatch = client('cloudwatch')
    seen = {}

    def remember_target(request, **_):
        seen.setdefault('target', request.headers.get('X-Amz-Target', b'').decode())
    cloudwatch.meta.events.register('before-send', remember_target)
    now = datetime.datetime.now(datetime.timezone.utc)
    query = {'Id': 'cpu', 'MetricStat': {
        'Metric': {'Namespace': 'AWS/RDS', 'MetricName': 'CPUUtilization',
                   'Dimensions': [{'Name': 'DBInstanceIdentifier', 'Value': 'prod-db'}]},
        'Period': 60, 'Stat': 'Average'}}
    data = cloudwatch.get_metric_data(MetricDataQueries=[query], ScanBy='TimestampDescending',
                                      StartTime=now - datetime.timedelta(minutes=10), EndTime=now)
    result['cloudwatch_request_target'] = seen.get('target')
    result['cpu_values'] = data['MetricDataResults'][0]['Values']
    try:
        cloudwatch.get_metric_data(MetricDataQueries=[dict(query, Id='Bad')],
                                   StartTime=now - datetime.timedelta(minutes=10), EndTime=now)
    except ClientError as exc:
        result['error_code'] = exc.response['Error']['Code']
    guardduty = client('guardduty')
    detector = guardduty.get_detector(DetectorId=DETECTOR)
    result['features'] = [f['Name'] for f in detector['Features']]
    ids = guardduty.list_findings(DetectorId=DETECTOR, FindingCriteria={'Criterion': {
        'type': {'Eq': ['CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce']}}})
    finding = guardduty.get_findings(DetectorId=DETECTOR, FindingIds=ids['FindingIds'])
    action = finding['Findings'][0]['Service']['Action']['RdsLoginAttemptAction']
    result['login_attributes'] = action['LoginAttributes']
    instance = client('rds').describe_db_instances(DBInstanceIdentifier='prod-db')
    result['certificate_ca'] = instance['DBInstances'][0]['CertificateDetails']['CAIdentifier']
    print(json.dumps(result))


if __name__ == '__main__':
    main()
