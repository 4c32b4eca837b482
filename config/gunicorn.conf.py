"""gunicorn settings for the container (Dockerfile CMD). The access log names the path without
its query string (%(U)s, not %(r)s) and leaves out the referrer, which carries the previous
page's query: a search by name, MRN or birth date never reaches a log (docs/security.md)."""

bind = "0.0.0.0:8000"
workers = 3
timeout = 120
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(a)s"'
