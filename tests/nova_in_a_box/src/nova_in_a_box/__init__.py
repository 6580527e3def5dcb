"""nova-in-a-box: a real Nova control plane (API, conductor, scheduler, computes, Placement) in one process."""

__version__ = "0.1.0"
