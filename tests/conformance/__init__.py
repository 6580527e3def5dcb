"""Conformance of the mock compute cloud with a real Nova (nova-in-a-box): see tests/mock_compute/README.md."""
