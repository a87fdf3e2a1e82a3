"""An S3-compatible server for tests: moto's S3 in server mode, behind a gate that checks
presigned URLs the way AWS does. Moto stores and serves objects faithfully and refuses
anonymous reads of private objects, but it accepts any presigned URL, expired or tampered
(it checks neither the expiry nor the signature); the gate adds both, with AWS's answers.

`python -m core.testing.s3_server` binds a free port on 127.0.0.1, prints `port <n>` and
serves until terminated. Requests signed in an Authorization header (boto3's own calls) go
straight to moto.
"""

from __future__ import annotations

import hmac
import os
import sys
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl

from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS_KEY = "moto-testing-key"
SECRET_KEY = "moto-testing-secret"
REGION = "eu-west-2"


def refusal(environ) -> tuple[str, str] | None:
    """(code, message) when a presigned request must be refused, else None."""
    raw_query = environ.get("QUERY_STRING", "")
    params = dict(parse_qsl(raw_query, keep_blank_values=True))
    if "X-Amz-Signature" not in params:
        return None  # not presigned: moto decides (private objects stay private)
    try:
        access_key, _day, region, service, _ = params["X-Amz-Credential"].split("/")
        issued = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
        expires = int(params["X-Amz-Expires"])
    except (KeyError, ValueError):
        return "AuthorizationQueryParametersError", "Malformed presigned URL"
    if access_key != ACCESS_KEY:
        return "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist"
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    if now > issued + timedelta(seconds=expires):
        return "AccessDenied", "Request has expired"
    if not hmac.compare_digest(_signature(environ, raw_query, region, service, expires),
                               params["X-Amz-Signature"]):
        return "SignatureDoesNotMatch", "The request signature we calculated does not match"
    return None


def _signature(environ, raw_query: str, region: str, service: str, expires: int) -> str:
    """The signature of this request as botocore computes it, over the query as received
    (less the signature itself), so a changed key, bucket or parameter does not match."""
    path = (environ.get("RAW_URI") or environ.get("REQUEST_URI") or "").split("?", 1)[0]
    query = "&".join(p for p in raw_query.split("&") if not p.startswith("X-Amz-Signature="))
    host = environ.get("HTTP_HOST", "")
    request = AWSRequest(method=environ["REQUEST_METHOD"], url=f"http://{host}{path}?{query}",
                         headers={"host": host})
    request.context["timestamp"] = dict(parse_qsl(raw_query))["X-Amz-Date"]
    auth = S3SigV4QueryAuth(Credentials(ACCESS_KEY, SECRET_KEY), service, region, expires)
    return auth.signature(auth.string_to_sign(request, auth.canonical_request(request)), request)


class PresignGate:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        refused = refusal(environ)
        if refused is None:
            return self.app(environ, start_response)
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{refused[0]}</Code>'
                f"<Message>{refused[1]}</Message></Error>").encode()
        start_response("403 Forbidden", [("Content-Type", "application/xml"),
                                         ("Content-Length", str(len(body)))])
        return [body]


def main() -> None:
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication, MotoRequestHandler, create_backend_app,
    )
    from werkzeug.serving import make_server

    app = PresignGate(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    print(f"port {server.port}", flush=True)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # nobody reads stdout after this line
    server.serve_forever()


if __name__ == "__main__":
    main()
