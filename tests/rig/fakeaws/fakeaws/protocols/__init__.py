"""Wire protocols: query/EC2 (XML), JSON 1.0/1.1 RPC and REST-JSON, all driven by the service model."""
