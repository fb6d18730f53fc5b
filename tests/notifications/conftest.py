from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class SmsGateway:
    """A real HTTP server on 127.0.0.1 standing in for the SMS provider: records every request
    and answers from a script of status codes (then 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[int] = []
        self.lookups: list[str] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                status = gateway.script.pop(0) if gateway.script else 200
                gateway.requests.append(
                    {"headers": dict(self.headers), "json": body, "status": status}
                )
                payload = json.dumps({"id": f"gw-{len(gateway.requests)}"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                # The status endpoint (SMS_STATUS_URL): does the gateway have this message?
                key = self.path.rsplit("/", 1)[-1]
                gateway.lookups.append(key)
                found = [r for r in gateway.delivered if r["headers"].get("Idempotency-Key") == key]
                payload = json.dumps({"id": f"gw-{key}"} if found else {}).encode()
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/messages"
        self.status_url = self.url + "/{key}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    @property
    def delivered(self) -> list[dict]:
        return [r for r in self.requests if 200 <= r["status"] < 300]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def sms_gateway(settings):
    gateway = SmsGateway()
    settings.SMS_URL = gateway.url
    settings.SMS_TOKEN = "test-token-not-secret"
    settings.SMS_FROM = "+12025550100"
    yield gateway
    gateway.close()


@pytest.fixture
def raise_alert(cast):
    from recoverypath.alerts.services import alert_raise

    def make(**overrides):
        values = {
            "client": cast.client,
            "kind": "monitoring.no_checkin",
            "severity": "high",
            "reason": "No daily check-in for 2 days.",
            "dedup_key": f"monitoring:no-checkin:{cast.client.id}",
        }
        values.update(overrides)
        return alert_raise(**values)

    return make
