#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # What a command writes (a package, its password notice, an export, a backup) is the app account's
    # alone, whatever umask the shell gave: files 600, directories 700.
    from core.private_files import owner_only_umask

    owner_only_umask()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
