"""mock_compute: a stateful mock of Keystone v3, a Nova subset and a Placement subset."""

__version__ = "0.1.0"
