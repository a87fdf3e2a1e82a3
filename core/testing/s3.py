"""Fixtures for documents: an S3-compatible server (moto, over real HTTP) and the documents
storage pointed at it or at a temporary folder, configured as settings configure it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.documents.config import storage_config

REPO = Path(__file__).resolve().parents[2]


@dataclass
class S3Server:
    endpoint_url: str
    region: str
    access_key: str
    secret_key: str

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint_url, region_name=self.region,
                            aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key)


@dataclass
class S3Bucket:
    server: S3Server
    name: str
    client: object

    def keys(self) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def object_url(self, key: str) -> str:
        """The object's plain (unsigned) address, as someone guessing it would use."""
        return f"{self.server.endpoint_url}/{self.name}/{key}"


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server in a subprocess on a free port (see core/testing/s3_server.py)."""
    from core.testing import s3_server as module

    log = tempfile.NamedTemporaryFile(prefix="moto-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        [sys.executable, "-m", "core.testing.s3_server"], cwd=REPO, stdout=subprocess.PIPE,
        stderr=log, text=True,
        env={**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'platform'}"},
    )
    line = proc.stdout.readline()  # printed once the port is bound
    if not line.startswith("port "):
        proc.kill()
        proc.wait()
        pytest.fail(f"moto server did not start: {Path(log.name).read_text()[-2000:]}")
    try:
        yield S3Server(endpoint_url=f"http://127.0.0.1:{int(line.split()[1])}",
                       region=module.REGION, access_key=module.ACCESS_KEY,
                       secret_key=module.SECRET_KEY)
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stdout.close()
        log.close()
        os.unlink(log.name)


@pytest.fixture
def s3_documents(s3_server, settings) -> S3Bucket:
    """The documents storage on a fresh private bucket of `s3_server`, removed after."""
    client = s3_server.client()
    bucket = S3Bucket(server=s3_server, name=f"documents-{uuid.uuid4().hex[:12]}", client=client)
    client.create_bucket(Bucket=bucket.name,
                         CreateBucketConfiguration={"LocationConstraint": s3_server.region})
    settings.DOCUMENTS_BACKEND = "s3"
    settings.STORAGES = {**settings.STORAGES, "documents": storage_config(
        backend="s3", bucket=bucket.name, endpoint_url=s3_server.endpoint_url,
        region=s3_server.region, addressing_style="path",
        lifetime=settings.DOCUMENTS_URL_LIFETIME, access_key=s3_server.access_key,
        secret_key=s3_server.secret_key,
    )}
    yield bucket
    for key in bucket.keys():
        client.delete_object(Bucket=bucket.name, Key=key)
    client.delete_bucket(Bucket=bucket.name)


@pytest.fixture
def local_documents(settings, tmp_path) -> Path:
    """The documents storage on local files in a temporary folder (development's backend)."""
    root = tmp_path / "documents"
    settings.DOCUMENTS_BACKEND = "local"
    settings.STORAGES = {**settings.STORAGES,
                         "documents": storage_config(backend="local", root=root)}
    return root
