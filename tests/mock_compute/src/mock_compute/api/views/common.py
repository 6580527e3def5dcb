"""Link building and timestamp formats shared by the views."""

from urllib.parse import urlencode


def isotime(value):
    """Nova's utils.isotime: second precision with a Z (server created/updated)."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


def db_time(value):
    """oslo's PERFECT_TIME_FORMAT, how DB datetimes are serialised (migrations, services)."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f") if value is not None else None


class Links:
    """Absolute links built from the URL the client actually used."""

    def __init__(self, request):
        self.base = str(request.base_url).rstrip("/")
        self.request = request

    @property
    def compute(self):
        return self.base + "/v2.1"

    def resource(self, collection, identifier):
        return [{"rel": "self", "href": "%s/%s/%s" % (self.compute, collection, identifier)},
                {"rel": "bookmark", "href": "%s/%s/%s" % (self.base, collection, identifier)}]

    def bookmark(self, collection, identifier):
        return "%s/%s/%s" % (self.base, collection, identifier)

    def next(self, collection, marker):
        """Nova's _get_next_link: the request's own params (sorted) with the marker replaced."""
        params = dict(sorted(self.request.query_params.multi_items()))
        params["marker"] = marker
        return [{"rel": "next", "href": "%s/%s?%s" % (self.compute, collection, urlencode(params))}]

    def collection_links(self, items, collection, limit, max_limit, id_key):
        """A next link when the page is full (min(limit, max_limit) items came back)."""
        page = min(limit, max_limit) if limit is not None else max_limit
        if page and len(items) == page:
            return self.next(collection, items[-1][id_key])
        return []
