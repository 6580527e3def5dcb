"""Server groups (Nova's instance groups): a policy, its rules and the servers booted into the group.

The policy decides where members may be scheduled: ``affinity`` and ``anti-affinity`` are filters (hard),
the ``soft-`` ones only weigh hosts. ``max_server_per_host`` (2.64) lets an anti-affinity group put that many
members on one host.
"""

import dataclasses

AFFINITY = "affinity"
ANTI_AFFINITY = "anti-affinity"
SOFT_AFFINITY = "soft-affinity"
SOFT_ANTI_AFFINITY = "soft-anti-affinity"
# the order of Nova's create schema enum from 2.15 (the two hard ones alone before that)
POLICIES = (ANTI_AFFINITY, AFFINITY, SOFT_ANTI_AFFINITY, SOFT_AFFINITY)
HARD_POLICIES = (ANTI_AFFINITY, AFFINITY)
MAX_SERVER_PER_HOST = "max_server_per_host"


@dataclasses.dataclass
class ServerGroup:
    uuid: str
    name: str
    policy: str
    project_id: str
    user_id: str
    created_at: object
    rules: dict = dataclasses.field(default_factory=dict)
    members: list = dataclasses.field(default_factory=list)     # server uuids, in the order they joined

    @property
    def max_server_per_host(self):
        """How many members an anti-affinity group allows on one host (1 unless the rule says more)."""
        return int(self.rules.get(MAX_SERVER_PER_HOST, 1))
