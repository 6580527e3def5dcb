"""Aggregate representation (nova AggregateController._marshall_aggregate)."""

from mock_compute.api.views.common import db_time


def aggregate(ctx, agg, *, updated_at=None, created=False):
    """Every field of Nova's Aggregate object; ``uuid`` from 2.41; a create answers without hosts and metadata.

    ``updated_at`` overrides the stored time where Nova answers with one its database does not keep.
    """
    data = {
        "availability_zone": agg.availability_zone,
        "created_at": db_time(agg.created_at),
        "deleted": False,
        "deleted_at": None,
        "id": agg.id,
        "name": agg.name,
        "updated_at": db_time(updated_at or agg.updated_at),
    }
    if not created:
        data["hosts"] = list(agg.hosts)
        data["metadata"] = dict(agg.metadata)
    if ctx.supports((2, 41)):
        data["uuid"] = agg.uuid
    return data
