"""The AWS API emulator the deploy runs against: moto's server on 127.0.0.1, over TLS,
with the fixes of emulator_gaps.py, and the one guard that keeps every client local."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse

HERE = os.path.dirname(os.path.abspath(__file__))
LOCAL_HOSTS = ("127.0.0.1", "localhost")
REGION = "us-east-1"

# The credentials every client uses: moto accepts any, AWS none of these.
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
    # No profile, config or instance metadata can supply real credentials instead.
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def require_local(url: str) -> str:
    """Returns `url` if it points at this machine, and stops the run otherwise: nothing
    here may ever reach a real AWS endpoint."""
    host = urlparse(url).hostname
    if host not in LOCAL_HOSTS:
        raise SystemExit(f"refusing to use endpoint {url}: only {', '.join(LOCAL_HOSTS)} are allowed")
    return url


def client_environment() -> dict[str, str]:
    """This process's environment without any AWS setting, plus the fake credentials."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    clean.update(FAKE_CREDENTIALS)
    return clean


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Emulator:
    """moto's server in a child process; use as a context manager so it stops on every
    way out (success, failure, Ctrl-C)."""

    def __init__(self, log_path: str):
        self.port = _free_port()
        self.url = require_local(f"https://127.0.0.1:{self.port}")
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Emulator":
        log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "moto_launcher.py"), str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, env=client_environment(), cwd=HERE,
        )
        self._wait_until_up()
        return self

    def __exit__(self, *_exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _wait_until_up(self) -> None:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"moto exited at start (code {self.process.returncode}); see {self.log_path}")
            try:
                urllib.request.urlopen(f"{self.url}/moto-api/", context=context, timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.2)
        raise SystemExit(f"moto did not answer on {self.url} within 30 s; see {self.log_path}")

    def boto3_client(self, service: str):
        import boto3

        return boto3.client(
            service, endpoint_url=self.url, verify=False, region_name=REGION,
            aws_access_key_id="testing", aws_secret_access_key="testing", aws_session_token="testing",
        )
