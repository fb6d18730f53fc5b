"""Gunicorn settings for `recoverypath serve` (which passes bind, workers and threads).

Each process serves WEB_THREADS requests at once (gthread); SIGHUP starts new processes with the
new code and settings and lets the old ones finish their requests (graceful reload); SIGTERM stops
after the requests in flight. The access log is one JSON object per line with the request id and
the URL pattern that answered, and nothing that names a person: no query string, no user, no
address, no user agent or referrer.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from gunicorn.glogging import Logger

worker_class = "gthread"
accesslog = "-"
errorlog = "-"
timeout = 60  # a request that takes longer is stuck: its process is replaced
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle processes now and then, so a slow leak never grows
max_requests_jitter = 200
proc_name = "recoverypath"
control_socket_disable = True  # gunicorn 24+: no shared socket in $HOME between instances


class JsonAccessLogger(Logger):
    """One JSON line per request: time, request_id, method, path, status, bytes, ms.

    `path` is the URL pattern Django matched ("/clients/<int:pk>/"); for a request no pattern
    matched (static files, a 404) it is the path as sent, without its query string.
    """

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        record = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "request_id": environ.get("recoverypath.request_id") or _header(resp, "x-request-id"),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("recoverypath.route") or (environ.get("PATH_INFO") or "")[:200],
            "status": int(status) if str(status).isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "ms": round(request_time.total_seconds() * 1000, 1),
        }
        try:
            self.access_log.info(json.dumps(record))
        except Exception:
            self.exception("Could not write the access log line")


def _header(resp, name: str) -> str | None:
    for key, value in resp.headers:
        if key.lower() == name:
            return value
    return None


logger_class = JsonAccessLogger
