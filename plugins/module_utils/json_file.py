# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write a JSON document so that a reader never sees half of it.

A campaign's state file is what a rerun resumes from. A run killed while
writing it must leave the previous state, never a truncated file: the new
content goes to a temporary file in the same directory, is flushed to disk,
then renamed over the old one (a rename within one file system is atomic).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import tempfile


def render(document):
    """The file's text: indented JSON in the document's own key order, with a final newline."""
    return json.dumps(document, indent=4, sort_keys=False) + '\n'


def write_atomically(path, document, mode=0o640):
    """Write ``document`` as JSON to ``path``; return True when the content changed.

    The directory must exist. An unchanged file is not rewritten (its mode is
    still set).
    """
    text = render(document)
    try:
        with open(path, 'r') as current:
            unchanged = current.read() == text
    except (IOError, OSError):
        unchanged = False
    if unchanged:
        os.chmod(path, mode)
        return False
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)
    try:
        with os.fdopen(handle, 'w') as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.rename(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return True
