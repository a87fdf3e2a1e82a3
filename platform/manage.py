#!/usr/bin/env python
"""Django's command-line utility. platform/ is a source root, not a package."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    repo_root = str(Path(__file__).resolve().parent.parent)
    if repo_root not in sys.path:
        sys.path.insert(1, repo_root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutualaid.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
