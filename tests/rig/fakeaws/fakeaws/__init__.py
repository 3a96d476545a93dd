"""fakeaws: a local AWS endpoint for rdswatch's tests and demo (see tests/rig/README.md)."""
