"""gunicorn settings for `make run` and the app servers (``gunicorn -c config/gunicorn.conf.py
config.wsgi --bind HOST:PORT``).

- Logging: Django's ``LOGGING`` (config/settings.py) for gunicorn's own and access logs too,
  so every line of every process has one format and one time zone (``TIME_ZONE``: reading
  the settings sets the process's ``TZ``, as Django does in each worker).
- No control socket: gunicorn 25.1+ opens one at a fixed path per user by default, which two
  instances on one machine would share; nothing here uses ``gunicornc``.
- A short ``graceful_timeout``: on Ctrl-C a worker still holding an idle keep-alive
  connection is killed after it instead of after gunicorn's default of 30 s.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings  # noqa: E402  (after the settings module is named)

wsgi_app = "config.wsgi"
control_socket_disable = True
logconfig_dict = settings.LOGGING
# Client, request line, status, response bytes, duration, user agent; no referrer (a
# confirmation page's address would carry its token) and no time (the log line has it).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
graceful_timeout = 3
