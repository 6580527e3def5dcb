"""Server group representations per microversion (Nova's ServerGroupController._format_server_group)."""


def server_group(ctx, group, members):
    """``members``: the member ids the caller may see (servers that still exist)."""
    data = {"id": group.uuid, "name": group.name}
    if ctx.supports((2, 64)):
        data["policy"] = group.policy
        data["rules"] = dict(group.rules)
    else:
        data["policies"] = [group.policy]
        data["metadata"] = {}           # always empty, dropped at 2.64
    data["members"] = list(members)
    if ctx.supports((2, 13)):
        data["project_id"] = group.project_id
        data["user_id"] = group.user_id
    return data
