"""A small JSON-schema (draft 4 subset) validator that words errors like Nova.

Nova validates bodies and query strings with jsonschema and reports the
*first* error in keyword order as
``Invalid input for field/attribute <last path item>. Value: <value>. <message>``
(bodies) or ``Invalid input for query parameters <param>. Value: <value>. <message>``
(queries).  This module reproduces that wording for the keywords the mock's
schemas use, without depending on jsonschema.
"""

import re
import unicodedata
import uuid

from mock_compute.api.errors import APIError
from mock_compute.models.clock import parse_isotime


def _is_type(instance, name):
    if name == "object":
        return isinstance(instance, dict)
    if name == "array":
        return isinstance(instance, list)
    if name == "string":
        return isinstance(instance, str)
    if name == "integer":
        return isinstance(instance, int) and not isinstance(instance, bool)
    if name == "number":
        return isinstance(instance, (int, float)) and not isinstance(instance, bool)
    if name == "boolean":
        return isinstance(instance, bool)
    if name == "null":
        return instance is None
    return False


def _json_equal(left, right):
    """jsonschema equality: True is not 1."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    return left == right


def _number(instance):
    """Nova's minimum/maximum validators also accept numeric strings."""
    if _is_type(instance, "number"):
        return instance
    if isinstance(instance, str):
        for convert in (int, float):
            try:
                return convert(instance)
            except ValueError:
                continue
    return None


class InvalidName(str):
    """A failed ``name`` format: Nova answers with the InvalidName text alone, without the field prefix."""


NAME_RULE = "printable characters. Can not start or end with whitespace."
# the rules of Nova's other name formats, as its InvalidName texts state them
NAME_RULES = {
    "name": NAME_RULE,
    "name_with_leading_trailing_spaces": "printable characters with at least one non space character",
    "az_name": "printable characters except :.Can not start or end with whitespace.",
}


def _printable(char):
    """Nova's parameter_types._is_printable, over the code points its name regex covers (below U+FFFF)."""
    category = unicodedata.category(char)
    return ord(char) < 0xFFFF and not category.startswith("C") and (not category.startswith("Z") or category == "Zs")


def _valid_name(text):
    if not all(_printable(char) for char in text):
        return False
    return not text or all(unicodedata.category(char) != "Zs" for char in (text[0], text[-1]))


def _valid_spaced_name(text):
    """``name_with_leading_trailing_spaces``: printable, with at least one character that is not a space."""
    return all(_printable(char) for char in text) and any(unicodedata.category(char) != "Zs" for char in text)


def _uuid_like(text):
    """oslo's uuidutils.is_uuid_like: parses as a UUID and prints back the same, dashes aside."""
    try:
        return str(uuid.UUID(text)).replace("-", "") == text.lower().replace("-", "")
    except (TypeError, ValueError, AttributeError):
        return False


def _check_format(name, instance):
    if not isinstance(instance, str):
        return True
    if name == "name":
        return _valid_name(instance)
    if name == "name_with_leading_trailing_spaces":
        return _valid_spaced_name(instance)
    if name == "az_name":
        return ":" not in instance and _valid_name(instance)
    if name == "uuid":
        return _uuid_like(instance)
    if name == "date-time":
        try:
            parse_isotime(instance)
        except ValueError:
            return False
    if name == "regex":     # Nova's checker: a non-empty string that re.compile accepts
        if not instance:
            return False
        try:
            re.compile(instance)
        except (re.error, RecursionError, OverflowError):
            return False
    return True


def iter_errors(schema, instance, path=()):  # pylint: disable=too-many-branches
    """Yield (path, instance, message) in jsonschema's keyword order."""
    for keyword, value in schema.items():
        if keyword == "type":
            types = value if isinstance(value, list) else [value]
            if not any(_is_type(instance, t) for t in types):
                yield path, instance, "%r is not of type %s" % (instance, ", ".join(repr(t) for t in types))
        elif keyword == "enum":
            if not any(_json_equal(instance, item) for item in value):
                yield path, instance, "%r is not one of %r" % (instance, value)
        elif keyword == "properties" and isinstance(instance, dict):
            for name, subschema in value.items():
                if name in instance:
                    yield from iter_errors(subschema, instance[name], (*path, name))
        elif keyword == "patternProperties" and isinstance(instance, dict):
            for pattern, subschema in value.items():
                for name in instance:
                    if re.search(pattern, name):
                        yield from iter_errors(subschema, instance[name], (*path, name))
        elif keyword == "required" and isinstance(instance, dict):
            for name in value:
                if name not in instance:
                    yield path, instance, "%r is a required property" % name
        elif keyword == "additionalProperties" and isinstance(instance, dict) and value is False:
            known = schema.get("properties", {})
            patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
            extras = [k for k in instance if k not in known and not any(p.search(k) for p in patterns)]
            if extras and patterns:     # jsonschema words it after the patterns when there are some
                extras = sorted(extras, key=str)
                yield path, instance, "%s %s not match any of the regexes: %s" % (
                    ", ".join(repr(e) for e in extras), "does" if len(extras) == 1 else "do",
                    ", ".join(repr(p) for p in sorted(schema["patternProperties"])))
            elif extras:
                extras = sorted(extras, key=str)
                yield path, instance, "Additional properties are not allowed (%s %s unexpected)" % (
                    ", ".join(repr(e) for e in extras), "was" if len(extras) == 1 else "were")
        elif keyword == "minLength" and isinstance(instance, str) and len(instance) < value:
            yield path, instance, "%r %s" % (instance, "should be non-empty" if value == 1 else "is too short")
        elif keyword == "maxLength" and isinstance(instance, str) and len(instance) > value:
            yield path, instance, "%r %s" % (instance, "is expected to be empty" if value == 0 else "is too long")
        elif keyword == "pattern" and isinstance(instance, str) and not re.search(value, instance):
            yield path, instance, "%r does not match %r" % (instance, value)
        elif keyword in ("minimum", "maximum"):
            number = _number(instance)
            if number is not None and keyword == "minimum" and number < value:
                yield path, instance, "%r is less than the minimum of %r" % (instance, value)
            elif number is not None and keyword == "maximum" and number > value:
                yield path, instance, "%r is greater than the maximum of %r" % (instance, value)
        elif keyword == "items" and isinstance(instance, list):
            for index, item in enumerate(instance):
                yield from iter_errors(value, item, (*path, index))
        elif keyword == "prefixItems" and isinstance(instance, list):
            for index, (subschema, item) in enumerate(zip(value, instance, strict=False)):
                yield from iter_errors(subschema, item, (*path, index))
        elif keyword == "uniqueItems" and value and isinstance(instance, list) and _has_duplicates(instance):
            yield path, instance, "%r has non-unique elements" % (instance,)
        elif keyword == "minItems" and isinstance(instance, list) and len(instance) < value:
            yield path, instance, "%r %s" % (instance, "should be non-empty" if value == 1 else "is too short")
        elif keyword == "oneOf":
            valid = [s for s in value if next(iter_errors(s, instance, path), None) is None]
            if not valid:
                yield path, instance, "%r is not valid under any of the given schemas" % (instance,)
        elif keyword == "anyOf":
            if not any(next(iter_errors(s, instance, path), None) is None for s in value):
                yield path, instance, "%r is not valid under any of the given schemas" % (instance,)
        elif keyword == "maxItems" and isinstance(instance, list) and len(instance) > value:
            yield path, instance, "%r %s" % (instance, "is expected to be empty" if value == 0 else "is too long")
        elif keyword == "format" and value in NAME_RULES and not _check_format(value, instance):
            yield path, instance, InvalidName("An invalid 'name' value was provided. The name must be: "
                                              + NAME_RULES[value])
        elif keyword == "format" and not _check_format(value, instance):
            yield path, instance, "%r is not a %r" % (instance, value)


def _has_duplicates(items):
    seen = []
    for item in items:
        if any(_json_equal(item, other) for other in seen):
            return True
        seen.append(item)
    return False


def validate_body(schema, body):
    """Raise a Nova 400 for the first schema violation in a request body."""
    for path, instance, reason in iter_errors(schema, body):
        if isinstance(reason, InvalidName):
            raise APIError(400, str(reason))
        if path:
            raise APIError(400, "Invalid input for field/attribute %s. Value: %s. %s" % (path[-1], instance, reason))
        raise APIError(400, reason)


def validate_query(schema, params):
    """Same for a query string given as {name: [values]}."""
    for path, instance, reason in iter_errors(schema, params):
        if path:
            raise APIError(400, "Invalid input for query parameters %s. Value: %s. %s" % (path[0], instance, reason))
        raise APIError(400, reason)


def strip_additional(schema, params):
    """The parameters a schema with ``additionalProperties: true`` keeps (Nova drops the others silently)."""
    if schema.get("additionalProperties", True) is False:
        return params
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    known = schema.get("properties", {})
    return {k: v for k, v in params.items() if k in known or any(p.match(k) for p in patterns)}


# Building blocks mirroring nova.api.validation.parameter_types -----------------
BOOLEAN_VALUES = [True, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes",
                  False, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"]
_TRUE_STRINGS = {"true", "1", "on", "yes", "y", "t"}
_FALSE_STRINGS = {"false", "0", "off", "no", "n", "f"}


def boolean():
    return {"type": ["boolean", "string"], "enum": list(BOOLEAN_VALUES)}


def fqdn(nullable=False):
    return {"type": ["string", "null"] if nullable else "string", "pattern": "^[a-zA-Z0-9-._]*$",
            "minLength": 1, "maxLength": 255}


def string(min_length=None, max_length=None):
    schema = {"type": "string"}
    if min_length is not None:
        schema["minLength"] = min_length
    if max_length is not None:
        schema["maxLength"] = max_length
    return schema


def multi_params(schema):
    return {"type": "array", "items": schema}


def single_param(schema):
    return {"type": "array", "items": schema, "maxItems": 1}


COMMON_QUERY_PARAM = multi_params({"type": "string"})
COMMON_QUERY_REGEX_PARAM = multi_params({"type": "string", "format": "regex"})
NON_NEGATIVE_INTEGER = {"type": ["integer", "string"], "pattern": "^[0-9]*$", "minimum": 0, "minLength": 1}


def to_bool(value, strict=False, default=False):
    """oslo strutils.bool_from_string."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE_STRINGS:
        return True
    if text in _FALSE_STRINGS:
        return False
    if strict:
        raise ValueError("Unrecognized value '%s', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', "
                         "'off', 'on', 't', 'true', 'y', 'yes'" % value)
    return default
