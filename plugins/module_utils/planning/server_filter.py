# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The operator's JMESPath server filter: compiled once, evaluated on each server document, and checked for the
mistakes that keep every server on the host (a bare word read as a field)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils.errors import PlanError
from ansible_collections.novaops.migration.plugins.module_utils.planning.classification import RESUME


def compile_filter(expression):
    """Compile a JMESPath expression (None/empty: no filter).  Raises PlanError on a syntax error."""
    if expression is None or not str(expression).strip():
        return None
    try:
        import jmespath  # pylint: disable=import-outside-toplevel
    except ImportError:  # pragma: no cover - jmespath ships with openstacksdk
        raise PlanError('The server filter needs the Python library jmespath (a dependency of openstacksdk).') from None
    try:
        return jmespath.compile(str(expression))
    except Exception as exc:  # jmespath.exceptions.ParseError and friends
        raise PlanError('Invalid JMESPath expression in the server filter %r: %s' % (expression, exc)) from exc


# The keys of the document the filter sees (server_document); a bare word in JMESPath is a field name, so a string
# literal written without quotes ("metadata.drain != no") silently reads a field that does not exist.
SERVER_FIELDS = frozenset(['id', 'name', 'status', 'host', 'hypervisor_hostname', 'vm_state', 'task_state',
                           'power_state', 'locked', 'locked_reason', 'availability_zone', 'project_id', 'user_id',
                           'metadata', 'tags', 'key_name', 'created', 'fault', 'flavor', 'pinned_availability_zone'])
# AST nodes whose later children are evaluated on the result of the first (so their fields are not server keys).
_CHILD_SCOPED = frozenset(['subexpression', 'index_expression', 'projection', 'value_projection', 'filter_projection',
                           'pipe'])


def unknown_filter_fields(expression):
    """Names the filter reads from the server document that the document does not have (sorted)."""
    compiled = compile_filter(expression)
    if compiled is None:
        return []
    unknown = set()

    def walk(node, on_server):
        if not isinstance(node, dict):
            return
        kind = node.get('type')
        children = node.get('children') or []
        if kind == 'field':
            if on_server and node.get('value') not in SERVER_FIELDS:
                unknown.add(node.get('value'))
            return
        if kind == 'expref':
            for child in children:
                walk(child, False)
            return
        for position, child in enumerate(children):
            walk(child, on_server and not (kind in _CHILD_SCOPED and position > 0))

    walk(getattr(compiled, 'parsed', None), True)
    return sorted(unknown)


def filter_warnings(expression, entries):
    """Warnings about a filter that keeps every server on the host or reads fields that do not exist."""
    if compile_filter(expression) is None:
        return []
    warnings = []
    unknown = unknown_filter_fields(expression)
    if unknown:
        warnings.append('The server filter %r reads %s, which %s not a field of a server (fields: %s). In JMESPath a '
                        'bare word is a field name: quote a string literal with single quotes, for example '
                        "metadata.drain != 'no'." % (
                            expression, ', '.join("'%s'" % name for name in unknown),
                            'is' if len(unknown) == 1 else 'are', ', '.join(sorted(SERVER_FIELDS))))
    judged = [e for e in entries if e.get('action') != RESUME]
    if judged and all(e.get('excluded') for e in judged):
        warnings.append('The server filter %r excludes all %d servers on the host: none of them will move.'
                        % (expression, len(judged)))
    return warnings


def filter_matches(compiled, server):
    """JMESPath truthiness of the expression evaluated on one server document."""
    if compiled is None:
        return True
    try:
        value = compiled.search(server)
    except Exception as exc:  # runtime errors, e.g. a function applied to the wrong type
        raise PlanError('The server filter failed on server %s: %s' % (server.get('id'), exc)) from exc
    if value is None or value is False:
        return False
    return not (isinstance(value, (str, list, dict)) and not value)
