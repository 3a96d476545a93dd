"""AWS services: each module has SERVICE (a ServiceSpec) with its operations.

An operation handler takes (ctx, params) - params shaped as botocore's input
for that operation - and returns a dict shaped as botocore's output, or
raises AwsError. Protocols turn both into wire form from the model.
"""


class Context:
    """What a handler knows about the request it answers."""

    def __init__(self, world, service, operation, credential, region, request_id):
        self.world = world
        self.clock = world.clock
        self.service = service
        self.operation = operation
        self.credential = credential
        self.account = credential.account if credential else world.default_account
        self.region = region or world.default_region
        self.request_id = request_id
        self.seconds = world.clock.now_seconds()
        self.now = world.clock.datetime_at(self.seconds)

    def at(self, seconds):
        """Wall-clock datetime of a scenario second."""
        return self.clock.datetime_at(seconds)


class ServiceSpec:
    """One service: its key (IAM prefix, fault/counter name), signing name,
    botocore model name, protocol, operations and scenario loader."""

    def __init__(self, key, signing_name, model_name, protocol, operations, load=None):
        self.key = key
        self.signing_name = signing_name
        self.model_name = model_name
        self.protocol = protocol
        self.operations = operations
        self.load = load


def all_services():
    from . import cloudwatch, ec2, guardduty, logs, rds, secrets, sso, sts
    return [rds.SERVICE, cloudwatch.SERVICE, logs.SERVICE, guardduty.SERVICE, secrets.SERVICE,
            sts.SERVICE, ec2.SERVICE, sso.SERVICE]
