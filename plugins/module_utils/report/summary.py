# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The human summary of a report: the headline, which states the host first so that it cannot be misread, then a
line per server, what is left on the host, the service state and the report path."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.novaops.migration.plugins.module_utils.report.entries import label, mode, plural


def fmt_seconds(value):
    try:
        return '%.1f s' % float(value)
    except (TypeError, ValueError):
        return '-'


def modes(counts):
    parts = ['%d %s' % (counts[m], m) for m in ('live', 'cold') if counts[m]]
    return ' (%s)' % ', '.join(parts) if parts else ''


def tally_of(report, kind):
    counts = report['counts']
    parts = []
    if report['result'] == 'planned':
        parts.append('%d planned%s' % (counts['planned'], modes(counts)))
    else:
        parts.append('%d moved%s%s' % (counts['moved'], ' back' if kind == 'restore' else '', modes(counts)))
        if counts['resumed']:
            parts.append('%d of them resumed' % counts['resumed'])
    if counts['pending']:
        parts.append('%d pending' % counts['pending'])
    if counts['moved_earlier']:
        parts.append('%d moved by an earlier run' % counts['moved_earlier'])
    if counts['already_moved']:
        parts.append('%d already gone' % counts['already_moved'])
    if counts['already_restored']:
        parts.append('%d already back' % counts['already_restored'])
    parts.append('%d skipped' % counts['skipped'])
    parts.append('%d failed' % counts['failed'])
    if counts['not_attempted']:
        parts.append('%d not attempted' % counts['not_attempted'])
    return ', '.join(parts)


def headline(report, kind='evacuation'):
    """The first line: the state of the host first, so that it cannot be misread, then the run's verdict."""
    host = report['host']
    result = report['result']
    duration = ' in %s' % fmt_seconds(report['duration']) if report.get('duration') is not None else ''
    tally = tally_of(report, kind)
    if kind == 'restore':
        counts = report['counts']
        wanted = sum(counts[o] for o in ('moved', 'already_restored', 'skipped', 'failed', 'not_attempted',
                                         'planned', 'pending'))
        if result == 'planned':
            return 'CHECK MODE, nothing changed: restore of %s would move %s back: %s.' % (
                host, plural(counts['planned'], 'server'), tally)
        back = counts['moved'] + counts['already_restored']
        state = '%s has %d of %d evacuated servers back' % (host, back, wanted) if wanted else \
            '%s: no server to move back' % host
        return '%s: restore %s%s: %s.' % (state, result.upper(), duration, tally)
    if result == 'planned':
        staying = [s for s in report['servers'] if s.get('outcome') == 'skipped']
        if staying:
            state = '%s would still hold %s after the evacuation' % (host, plural(len(staying), 'server'))
        else:
            state = '%s would be empty after the evacuation' % host
        return 'CHECK MODE, nothing changed: %s: %s.' % (state, tally)
    if result == 'running':
        return '%s: evacuation RUNNING since %s: %s.' % (host, report.get('started_at'), tally)
    remaining = report.get('remaining') or []
    if report.get('host_empty') is True:
        state = '%s is empty' % host
        if result != 'complete':
            state += ', but'
    elif report.get('host_empty') is False:
        state = '%s still holds %s' % (host, plural(len(remaining), 'server'))
        if result == 'partial':
            state += ' (skipped as allowed by require_empty=false)'
    else:
        state = '%s was not checked again after the run and may still hold servers' % host
    return '%s: evacuation %s%s: %s.' % (state, result.upper(), duration, tally)


def server_line(server, kind):
    outcome = server.get('outcome')
    name = label(server)
    how = server.get('mode') or mode(server)
    if server.get('mode_reason'):
        how += ' (%s)' % server['mode_reason']
    if outcome in ('moved', 'already_moved', 'moved_earlier'):
        detail = '%s -> %s, %s' % (server.get('original_host'), server.get('destination'), how)
        if server.get('migration_id') is not None:
            detail += ', migration %s' % server.get('migration_id')
        if server.get('elapsed') is not None:
            detail += ', %s' % fmt_seconds(server.get('elapsed'))
        if server.get('action') == 'resume':
            detail += ', resumed'
    elif outcome in ('planned', 'pending'):
        detail = '%s -> %s, %s' % (server.get('original_host'), server.get('planned_destination') or 'scheduler', how)
    elif outcome == 'failed':
        detail = '%s -> FAILED (%s), now on %s in %s: %s' % (
            server.get('original_host'), how, server.get('current_host'), server.get('status_after'), server.get('reason'))
    else:
        detail = '%s: %s' % (server.get('status_before'), server.get('reason'))
    return '  %-16s %s: %s' % (outcome.replace('_', ' '), name, detail)


def summary_lines(report, kind='evacuation'):
    """The human summary: headline, one line per server, what is left on the host, service state and report path."""
    host = report['host']
    lines = [headline(report, kind)]
    order = ('failed', 'not_attempted', 'pending', 'moved', 'already_moved', 'moved_earlier', 'planned',
             'already_restored', 'skipped')
    for outcome in order:
        for server in [s for s in report['servers'] if s.get('outcome') == outcome]:
            lines.append(server_line(server, kind))

    post = report['postcondition']
    if kind != 'restore' and report.get('host_empty') is not None:
        if report['host_empty']:
            lines.append('Post-condition: %s holds no servers.' % host)
        else:
            lines.append('Still on %s: %s.' % (host, '; '.join(
                '%s, %s: %s' % (label(s), s.get('status'), s.get('reason')) for s in report['remaining'])))
    elif kind == 'restore' and post.get('checked') and post.get('ok'):
        lines.append('Post-condition: every planned server is back on %s.' % host)
    if post.get('checked') and post.get('unfinished'):
        lines.append('Unfinished migrations: %s.' % ', '.join(
            '%s (migration %s, %s)' % (label(s), s.get('migration_id'), s.get('migration_status'))
            for s in post['unfinished']))
    if report.get('error'):
        lines.append('The run stopped: %s' % report['error'])
    for warning in report.get('warnings') or []:
        lines.append('Warning: %s' % warning)
    service = report.get('service') or {}
    if service.get('note'):
        lines.append(service['note'])
    if report.get('report_path') and not report['check_mode']:
        lines.append('Report: %s' % report['report_path'])
    return lines
