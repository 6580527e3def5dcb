"""Domain errors raised by the models.

They mirror the Nova exceptions the real API translates into HTTP faults. Each
carries the status code Nova's API layer normally maps it to (``code``), so the
HTTP layer can render it without a lookup table, and may override it where Nova
maps the same exception differently on a given endpoint.
"""


class ComputeError(Exception):
    """Base class: ``msg_fmt`` is filled from keyword arguments, like Nova's."""

    msg_fmt = "An unknown exception occurred."
    code = 500

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        if message is None:
            message = self.msg_fmt % kwargs if kwargs else self.msg_fmt
        super().__init__(message)
        self.message = message


class InvalidInput(ComputeError):
    msg_fmt = "Invalid input received: %(reason)s"
    code = 400


class Forbidden(ComputeError):
    msg_fmt = "Forbidden"
    code = 403


class NotFound(ComputeError):
    msg_fmt = "Resource could not be found."
    code = 404


class Conflict(ComputeError):
    msg_fmt = "Conflict"
    code = 409


class InstanceNotFound(NotFound):
    msg_fmt = "Instance %(instance_id)s could not be found."


class InstanceInvalidState(Conflict):
    """The API layer rewrites this into ``Cannot '<action>' instance ...``."""

    msg_fmt = "Instance %(instance_uuid)s in %(attr)s %(state)s. Cannot %(method)s while the instance is in this state."


class InstanceIsLocked(Conflict):
    msg_fmt = "Instance %(instance_uuid)s is locked"


class InstanceNotReady(Conflict):
    msg_fmt = "Instance %(instance_id)s is not ready"


class ServiceUnavailable(Conflict):
    msg_fmt = "Service is unavailable at this time."


class ComputeServiceUnavailable(InvalidInput):
    msg_fmt = "Compute service of %(host)s is unavailable at this time."


class ComputeServiceInUse(InvalidInput):
    msg_fmt = "Compute service of %(host)s is still in use."


class CannotMigrateToSameHost(InvalidInput):
    msg_fmt = "Cannot migrate to the host where the server exists."


class UnableToMigrateToSelf(InvalidInput):
    msg_fmt = "Unable to migrate instance (%(instance_id)s) to current host (%(host)s)."


class ComputeHostNotFound(InvalidInput):
    """Nova's API turns this into 400 on migrate/live-migrate (404 on evacuate)."""

    msg_fmt = "Compute host %(host)s could not be found."


class NoValidHost(InvalidInput):
    msg_fmt = "No valid host was found. %(reason)s"


class CannotResizeToSameFlavor(InvalidInput):
    msg_fmt = "When resizing, instances must change flavor!"


class FlavorNotFound(NotFound):
    msg_fmt = "Flavor %(flavor_id)s could not be found."


class MigrationNotFoundForInstance(NotFound):
    msg_fmt = "Migration %(migration_id)s not found for instance %(instance_id)s"


class MigrationNotFoundByStatus(NotFound):
    msg_fmt = "Migration not found for instance %(instance_id)s with status %(status)s."


class InvalidMigrationState(InvalidInput):
    msg_fmt = ("Migration %(migration_id)s state of instance %(instance_uuid)s is %(state)s. "
               "Cannot %(method)s while the migration is in this state.")


class MigrationPreCheckError(InvalidInput):
    """Nova's API turns this into 400 below 2.34 (the conductor's checks are then synchronous)."""

    msg_fmt = "Migration pre-check error: %(reason)s"


class NotSupported(ComputeError):
    """The API's expected_errors turns every NotSupported into a 400 with its text."""

    msg_fmt = "Bad Request - Feature is not supported in Nova"
    code = 400


class ForbiddenWithAccelerators(NotSupported):
    msg_fmt = "Feature not supported with instances that have accelerators."


class OperationNotSupportedForVTPM(NotSupported):
    msg_fmt = "Operation '%(operation)s' not supported for vTPM-enabled instance (%(instance_uuid)s)."


class OperationNotSupportedForMemEncryption(NotSupported):
    msg_fmt = "Operation '%(operation)s' not supported for mem encryption enabled instance (%(instance_uuid)s)."


class InvalidNameFilter(InvalidInput):
    """A server-name filter that is no regex, or one the mock cannot search in bounded time."""
    msg_fmt = "Invalid input for query parameters name. Value: %(value)s. %(reason)s"


class MarkerNotFound(InvalidInput):
    msg_fmt = "Marker %(marker)s could not be found."


class ServiceNotFound(NotFound):
    msg_fmt = "Service %(service_id)s could not be found."


class HostBinaryNotFound(NotFound):
    msg_fmt = "Could not find binary %(binary)s on host %(host)s."


class HostMappingNotFound(NotFound):
    msg_fmt = "Host '%(name)s' is not mapped to any cell"


class HypervisorNotFound(NotFound):
    msg_fmt = "Hypervisor with ID '%(hypervisor_id)s' could not be found."


class InstanceGroupNotFound(NotFound):
    msg_fmt = "Instance group %(group_uuid)s could not be found."


class GroupAffinityViolation(ComputeError):
    """The compute's late check of a server group's policy on its own host (after a forced move)."""

    msg_fmt = "%(policy)s instance group policy was violated"


class AvailabilityZoneNotAvailable(InvalidInput):
    msg_fmt = "The requested availability zone is not available"


class PolicyNotAuthorized(Forbidden):
    msg_fmt = "Policy doesn't allow %(action)s to be performed."


class AuthenticationFailed(ComputeError):
    """Keystone refused the credentials (or the token is unknown/expired)."""

    msg_fmt = "The request you have made requires authentication."
    code = 401


class InvalidFault(ValueError):
    """A fault specification posted to the control API is malformed."""


class InvalidTopology(ValueError):
    """A topology document is malformed."""


class AggregateNotFound(NotFound):
    msg_fmt = "Aggregate %(aggregate_id)s could not be found."


class AggregateNameExists(Conflict):
    msg_fmt = "Aggregate %(aggregate_name)s already exists."


class AggregateHostExists(Conflict):
    msg_fmt = "Aggregate %(aggregate_id)s already has host %(host)s."


class AggregateHostNotFound(NotFound):
    msg_fmt = "Aggregate %(aggregate_id)s has no host %(host)s."


class InvalidAggregateAction(InvalidInput):
    """Nova's InvalidAggregateAction*: a 400 on create, update, set_metadata and delete, a 409 on add/remove_host."""

    msg_fmt = "Unacceptable parameters."


class AggregateComputeHostNotFound(NotFound):
    """ComputeHostNotFound as the aggregate API maps it (404), unlike migrate's 400."""

    msg_fmt = "Compute host %(host)s could not be found."
