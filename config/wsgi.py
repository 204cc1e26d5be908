import os

from django.core.wsgi import get_wsgi_application

from core.private_files import owner_only_umask

# Whatever the app writes is the app account's alone (files 600, directories 700), under any service manager.
owner_only_umask()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Believing X-Forwarded-For is only safe when nothing but the proxy reaches this port: say so in the log if not.
from core.proxy import warn_at_start  # noqa: E402 (needs the settings get_wsgi_application set up)

warn_at_start()
