"""Flavor representations (/flavors and /flavors/detail)."""


def flavor(ctx, links, item, detail):
    data = {"id": item.flavorid, "links": links.resource("flavors", item.flavorid), "name": item.name}
    if ctx.supports((2, 55)):
        data["description"] = item.description
    if not detail:
        return data
    data.update({
        "ram": item.ram, "disk": item.disk, "vcpus": item.vcpus,
        "OS-FLV-EXT-DATA:ephemeral": item.ephemeral, "OS-FLV-DISABLED:disabled": item.disabled,
        "swap": item.swap if (item.swap or ctx.supports((2, 75))) else "",
        "rxtx_factor": item.rxtx_factor, "os-flavor-access:is_public": item.is_public,
    })
    if ctx.supports((2, 61)):
        data["extra_specs"] = dict(item.extra_specs)
    return data
