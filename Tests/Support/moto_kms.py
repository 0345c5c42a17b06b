#!/usr/bin/env python3
"""AWS KMS and S3 on loopback for the tests: moto_server, with requests authenticated (SigV4 checked against IAM access
keys) and moto's Sign corrected where it differs from AWS.

moto 5.2 hashes a `MessageType=DIGEST` message a second time and uses the largest PSS salt; AWS signs a DIGEST as
the digest it is, with a salt as long as the digest. moto's Sign response is replaced here by those few lines.
S3's CreateMultipartUpload applies its Object Lock headers to the finished object, which moto drops; that is
mended below too. The only other change is a fault the tests inject (MOTO_S3_FAULTS).

Before listening it makes, in moto's own backends: an IAM user with an access key allowed everything, a key
ECC_NIST_P256 with alias `alias/evidence-ec`, a key RSA_2048 with alias `alias/evidence-rsa`, an S3 bucket
`evidence-locked` (versioned, Object Lock enabled) and one without Object Lock, `evidence-plain`. Prints one JSON
line {"port", "access_key_id", "secret_access_key", "keys": {alias: arn}} once listening.
"""
import base64
import json
import os
import re
import sys
import time

os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"  # every request is authenticated, from the first
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, padding  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import utils as asymmetric  # noqa: E402
from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.iam.models import iam_backends  # noqa: E402
from moto.kms import responses  # noqa: E402
from moto.kms.models import kms_backends  # noqa: E402
from moto.s3 import models as s3_models  # noqa: E402
from moto.s3 import responses as s3_responses  # noqa: E402
from moto.s3.models import s3_backends  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

import loopback  # noqa: E402

REGION = "us-east-1"
PARTITION = "aws"


def sign(self):
    """KMS Sign as AWS does it (see the module text)."""
    message = self._get_param("Message")  # moto decodes the blob from the service model; older versions do not
    if isinstance(message, str):
        message = base64.b64decode(message)
    message_type = self._get_param("MessageType") or "RAW"
    algorithm = self._get_param("SigningAlgorithm")
    key = self.kms_backend.describe_key(self._get_param("KeyId"))
    if algorithm not in key.signing_algorithms:
        return json.dumps({"__type": "InvalidKeyUsageException", "message": f"{algorithm} is not valid for this key"}), dict(status=400)
    if message_type == "DIGEST" and len(message) != 32:
        return json.dumps({"__type": "ValidationException", "message": "Digest is invalid length for algorithm"}), dict(status=400)
    digest = asymmetric.Prehashed(hashes.SHA256()) if message_type == "DIGEST" else hashes.SHA256()
    private = key.private_key.private_key
    if algorithm == "ECDSA_SHA_256":
        signature = private.sign(message, ec.ECDSA(digest))
    else:  # RSASSA_PSS_SHA_256
        signature = private.sign(message, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), digest)
    return json.dumps({"KeyId": key.arn, "Signature": base64.b64encode(signature).decode(), "SigningAlgorithm": algorithm})


responses.KmsResponse.sign = sign

# A fault the tests inject: while a file in the folder FAULTS names a key (one per line), PutObject of that key
# answers 500, as S3 does in an outage, and `KEY#partN` fails UploadPart N of it; so an interrupted archive and its
# resumption can be tested. Each test writes its own file, so tests running at once do not undo each other's.
FAULTS = os.environ.get("MOTO_S3_FAULTS", "")


def injected(answer):
    def answering(self):
        faults = []
        for name in os.listdir(FAULTS) if FAULTS and os.path.isdir(FAULTS) else []:
            try:
                with open(os.path.join(FAULTS, name)) as handle:
                    faults += handle.read().split()
            except FileNotFoundError:  # removed by its test meanwhile
                pass
        key = self.parse_key_name()
        part = self.querystring.get("partNumber", [None])[0]
        if key in faults or (part and f"{key}#part{part}" in faults):
            return 500, {}, "<Error><Code>InternalError</Code><Message>injected by the test</Message></Error>"
        return answer(self)
    return answering


s3_responses.S3Response.put_object = injected(s3_responses.S3Response.put_object)
s3_responses.S3Response.upload_part = injected(s3_responses.S3Response.upload_part)

# S3 applies the Object Lock headers of CreateMultipartUpload to the object CompleteMultipartUpload makes
# (CreateMultipartUpload's documented x-amz-object-lock-mode and -retain-until-date); moto 5.2.5 drops them.
_create_multipart = s3_responses.S3Response._key_response_post
_complete_multipart = s3_models.S3Backend.complete_multipart_upload


def key_response_post(self, request, body, bucket_name, query, key_name):
    status, headers, answer = _create_multipart(self, request, body, bucket_name, query, key_name)
    mode = request.headers.get("x-amz-object-lock-mode")
    if body == b"" and "uploads" in query and status == 200 and mode:
        upload = re.search(r"<UploadId>([^<]+)</UploadId>", answer if isinstance(answer, str) else answer.decode()).group(1)
        multipart = self.backend.get_bucket(bucket_name).multiparts[upload]
        multipart.lock = (mode, request.headers.get("x-amz-object-lock-retain-until-date"))
    return status, headers, answer


def complete_multipart_upload(self, bucket_name, multipart_id, body):
    lock = getattr(self.get_bucket(bucket_name).multiparts.get(multipart_id), "lock", None)
    key = _complete_multipart(self, bucket_name, multipart_id, body)
    if key is not None and lock:
        key.lock_mode, key.lock_until = lock
    return key


s3_responses.S3Response._key_response_post = key_response_post
s3_models.S3Backend.complete_multipart_upload = complete_multipart_upload


def main():
    iam = iam_backends[DEFAULT_ACCOUNT_ID]["global"]
    iam.create_user(REGION, "evidence-signer")
    iam.put_user_policy("evidence-signer", "all", json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
    access = iam.create_access_key("evidence-signer")
    kms = kms_backends[DEFAULT_ACCOUNT_ID][REGION]
    keys = {}
    for alias, spec in (("alias/evidence-ec", "ECC_NIST_P256"), ("alias/evidence-rsa", "RSA_2048")):
        key = kms.create_key(policy=None, key_usage="SIGN_VERIFY", key_spec=spec, description=alias, tags=None)
        kms.create_alias(key.id, alias)
        keys[alias] = key.arn
    s3 = s3_backends[DEFAULT_ACCOUNT_ID][PARTITION]
    s3.create_bucket("evidence-locked", REGION)
    s3.put_bucket_versioning("evidence-locked", "Enabled")
    s3.put_object_lock_configuration("evidence-locked", True)
    s3.create_bucket("evidence-plain", REGION)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    loopback.stop_with_parent()
    print(json.dumps({"port": server.get_host_and_port()[1], "access_key_id": access.access_key_id,
                      "secret_access_key": access.secret_access_key, "keys": keys}), flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
