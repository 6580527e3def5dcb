# -*- coding: utf-8 -*-
# Copyright: (c) 2026, novaops.migration contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report of a host evacuation or restore: entries, verdict, summary, and the function that builds it."""
