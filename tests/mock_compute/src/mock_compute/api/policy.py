"""Nova's default policies (master, 2025.2+), reduced to the rules this mock serves.

Check strings follow nova/policies/base.py: ADMIN is the ``admin`` role; the
PROJECT_*_OR_ADMIN rules need the role *and* the target project to be the
caller's project.
"""

from mock_compute.api.errors import APIError

ADMIN = "admin"
PROJECT_MANAGER_OR_ADMIN = "manager"
PROJECT_MEMBER_OR_ADMIN = "member"
PROJECT_READER_OR_ADMIN = "reader"
ANY = "any"

_P = "os_compute_api:"
RULES = {
    _P + "os-migrate-server:migrate": PROJECT_MANAGER_OR_ADMIN,
    _P + "os-migrate-server:migrate:host": ADMIN,
    _P + "os-migrate-server:migrate_live": PROJECT_MANAGER_OR_ADMIN,
    _P + "os-migrate-server:migrate_live:host": ADMIN,
    _P + "os-evacuate": ADMIN,
    _P + "servers:confirm_resize": PROJECT_MEMBER_OR_ADMIN,
    _P + "servers:revert_resize": PROJECT_MEMBER_OR_ADMIN,
    _P + "servers:resize": PROJECT_MEMBER_OR_ADMIN,
    _P + "servers:start": PROJECT_MEMBER_OR_ADMIN,
    _P + "servers:stop": PROJECT_MEMBER_OR_ADMIN,
    _P + "servers:create": PROJECT_MEMBER_OR_ADMIN,
    _P + "servers:create:forced_host": ADMIN,
    _P + "servers:delete": PROJECT_MEMBER_OR_ADMIN,
    _P + "servers:show": PROJECT_READER_OR_ADMIN,
    _P + "servers:index": PROJECT_READER_OR_ADMIN,
    _P + "servers:detail": PROJECT_READER_OR_ADMIN,
    _P + "servers:index:get_all_tenants": ADMIN,
    _P + "servers:detail:get_all_tenants": ADMIN,
    _P + "servers:allow_all_filters": ADMIN,
    _P + "servers:show:host_status": ADMIN,
    _P + "servers:show:flavor-extra-specs": PROJECT_READER_OR_ADMIN,
    _P + "os-extended-server-attributes": ADMIN,
    _P + "os-flavor-extra-specs:index": PROJECT_READER_OR_ADMIN,
    _P + "os-flavor-extra-specs:show": PROJECT_READER_OR_ADMIN,
    _P + "os-pause-server:pause": PROJECT_MEMBER_OR_ADMIN,
    _P + "os-pause-server:unpause": PROJECT_MEMBER_OR_ADMIN,
    _P + "os-lock-server:lock": PROJECT_MEMBER_OR_ADMIN,
    _P + "os-lock-server:unlock": PROJECT_MEMBER_OR_ADMIN,
    _P + "os-lock-server:unlock:unlock_override": ADMIN,
    _P + "servers:migrations:index": PROJECT_MANAGER_OR_ADMIN,
    _P + "servers:migrations:index:host": ADMIN,
    _P + "servers:migrations:show": ADMIN,
    _P + "servers:migrations:force_complete": PROJECT_MANAGER_OR_ADMIN,
    _P + "servers:migrations:delete": PROJECT_MANAGER_OR_ADMIN,
    _P + "os-migrations:index": PROJECT_MANAGER_OR_ADMIN,
    _P + "os-migrations:index:all_projects": ADMIN,
    _P + "os-migrations:index:host": ADMIN,
    _P + "os-services:list": ADMIN,
    _P + "os-services:update": ADMIN,
    _P + "os-hypervisors:list": ADMIN,
    _P + "os-hypervisors:list-detail": ADMIN,
    _P + "os-hypervisors:show": ADMIN,
    _P + "os-hypervisors:search": ADMIN,
    _P + "os-hypervisors:servers": ADMIN,
    _P + "os-hypervisors:statistics": ADMIN,
    _P + "os-hypervisors:uptime": ADMIN,
    _P + "os-availability-zone:list": ANY,
    _P + "os-availability-zone:detail": ADMIN,
    _P + "os-server-groups:create": PROJECT_MEMBER_OR_ADMIN,
    _P + "os-server-groups:delete": PROJECT_MEMBER_OR_ADMIN,
    _P + "os-server-groups:index": PROJECT_READER_OR_ADMIN,
    _P + "os-server-groups:index:all_projects": ADMIN,
    _P + "os-server-groups:show": PROJECT_READER_OR_ADMIN,
    **{_P + "os-aggregates:" + name: ADMIN
       for name in ("index", "create", "show", "update", "delete", "add_host", "remove_host", "set_metadata")},
    _P + "os-instance-actions:list": PROJECT_READER_OR_ADMIN,
    _P + "os-instance-actions:show": PROJECT_READER_OR_ADMIN,
    _P + "os-instance-actions:events": ADMIN,
    _P + "os-instance-actions:events:details": ADMIN,
    "placement:resource_providers:list": ADMIN,
    "placement:resource_providers:show": ADMIN,
    "placement:resource_providers:inventories:list": ADMIN,
    "placement:resource_providers:usages": ADMIN,
    "placement:resource_providers:allocations:list": ADMIN,
    "placement:allocations:list": ADMIN,
}


def allowed(ctx, rule, project_id=None):
    """Whether the request context passes ``rule`` for a target owned by ``project_id``."""
    check = RULES[rule]
    if ctx.is_admin or check == ANY:
        return True
    if check == ADMIN:
        return False
    target = ctx.project_id if project_id is None else project_id
    return check in ctx.roles and target == ctx.project_id


def enforce(ctx, rule, project_id=None, placement=False):
    if not allowed(ctx, rule, project_id):
        if placement:
            raise APIError(403, "Policy does not allow %s to be performed." % rule)
        raise APIError(403, "Policy doesn't allow %s to be performed." % rule)
