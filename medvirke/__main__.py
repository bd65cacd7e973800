"""The `medvirke` command: Django's management commands plus `demo` and `serve`.

medvirke demo      migrate, load demo data, print the demo logins, serve on 127.0.0.1:8000
medvirke serve     migrate and serve with gunicorn (production)
medvirke <cmd>     any Django management command (migrate, createsuperuser, load_demo, ...)
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medvirke.settings")
    if sys.argv[1:2] == ["demo"]:
        # The demo runs Django's development server: debug pages, console e-mail, no HTTPS.
        os.environ.setdefault("MEDVIRKE_DEBUG", "1")
        os.environ.setdefault("MEDVIRKE_REQUIRE_MFA_FOR_STAFF", "0")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["medvirke", *sys.argv[1:]])


if __name__ == "__main__":
    main()
