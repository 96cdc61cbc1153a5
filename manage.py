#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "devopslearn.settings")
    if not os.environ.get("SECRET_KEY") and "DEBUG" not in os.environ:
        # A checkout with nothing configured is a developer's: management commands (makemigrations,
        # shell, tests of a fresh clone) run with development settings. Production sets SECRET_KEY,
        # and wsgi.py never takes this default, so a server without a key still refuses to start.
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
