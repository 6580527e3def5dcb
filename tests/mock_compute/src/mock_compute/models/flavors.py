"""Flavors (Nova's instance types)."""

import dataclasses


@dataclasses.dataclass
class Flavor:
    flavorid: str        # the API id ("1", "m1.small", a uuid ...)
    internal_id: int     # DB id, reported as old/new_instance_type_id in os-migrations
    name: str
    vcpus: int
    ram: int             # MiB
    disk: int            # GiB (root disk)
    ephemeral: int = 0
    swap: int = 0        # MiB
    is_public: bool = True
    disabled: bool = False
    rxtx_factor: float = 1.0
    description: str = None
    extra_specs: dict = dataclasses.field(default_factory=dict)


DEFAULT_FLAVORS = (
    {"id": "1", "name": "m1.tiny", "vcpus": 1, "ram": 512, "disk": 1},
    {"id": "2", "name": "m1.small", "vcpus": 1, "ram": 2048, "disk": 20},
    {"id": "3", "name": "m1.medium", "vcpus": 2, "ram": 4096, "disk": 40},
    {"id": "4", "name": "m1.large", "vcpus": 4, "ram": 8192, "disk": 80},
    {"id": "5", "name": "m1.xlarge", "vcpus": 8, "ram": 16384, "disk": 160},
)
