# -*- coding: utf-8 -*-
# Copyright: (c) 2026, wanfleet.routers contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's version, which the User-Agent names.

Written by `make` from galaxy.yml's `version` before the tests and the build (the Makefile's version rule):
bump galaxy.yml, not this file, and commit both. A module process cannot read galaxy.yml (the installed
collection has no galaxy.yml, and a module's payload only the Python it imports), hence a file of its own.
"""

from __future__ import annotations

COLLECTION_VERSION = "0.2.0"
