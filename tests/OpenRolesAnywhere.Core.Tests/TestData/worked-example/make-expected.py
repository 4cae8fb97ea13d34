#!/usr/bin/env python3
"""Computes the expected-*.txt files of the CreateSession worked example from certificate.pem and
private-key.pem, with Python's standard library and the `cryptography` package only: an implementation
separate from the C# code the tests check. Run it from this folder; it rewrites the expected files."""
import base64
import hashlib
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

# The inputs; CreateSessionWorkedExample.cs holds the same values.
AMZ_DATE = "20261124T050000Z"
REGION = "eu-west-1"
HOST = f"rolesanywhere.{REGION}.amazonaws.com"
QUERY = {
    "trustAnchorArn": "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/4e1c2a0b-7d3f-4b8e-9a65-0c2d7f1e3b59",
    "profileArn": "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/b7d05c3e-1f2a-4c69-8e47-6a9b3d2c0f18",
    "roleArn": "arn:aws:iam::123456789012:role/worked-example",
}
BODY = b'{"durationSeconds":3600}'

certificate = x509.load_pem_x509_certificate(open("certificate.pem", "rb").read())
key = serialization.load_pem_private_key(open("private-key.pem", "rb").read(), password=None)
x509_header = base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode()

query = "&".join(f"{urllib.parse.quote(k, safe='-_.~')}={urllib.parse.quote(v, safe='-_.~')}" for k, v in sorted(QUERY.items()))
headers = {"content-type": "application/json", "host": HOST, "x-amz-date": AMZ_DATE, "x-amz-x509": x509_header}
signed_headers = ";".join(sorted(headers))
canonical_request = "\n".join(
    ["POST", "/sessions", query]
    + [f"{name}:{headers[name]}" for name in sorted(headers)]
    + ["", signed_headers, hashlib.sha256(BODY).hexdigest()])
scope = f"{AMZ_DATE[:8]}/{REGION}/rolesanywhere/aws4_request"
algorithm = "AWS4-X509-RSA-SHA256"
string_to_sign = "\n".join([algorithm, AMZ_DATE, scope, hashlib.sha256(canonical_request.encode()).hexdigest()])
signature = key.sign(string_to_sign.encode(), padding.PKCS1v15(), hashes.SHA256()).hex()
authorization = f"{algorithm} Credential={certificate.serial_number}/{scope}, SignedHeaders={signed_headers}, Signature={signature}"
http_request = "\n".join([
    f"POST /sessions?{query} HTTP/1.1",
    f"Host: {HOST}",
    "Content-Type: application/json",
    f"Content-Length: {len(BODY)}",
    f"X-Amz-Date: {AMZ_DATE}",
    f"X-Amz-X509: {x509_header}",
    f"Authorization: {authorization}",
    "",
    BODY.decode()])

for name, text in [("expected-canonical-request.txt", canonical_request), ("expected-string-to-sign.txt", string_to_sign),
                   ("expected-signature.txt", signature), ("expected-authorization-header.txt", authorization),
                   ("expected-http-request.txt", http_request)]:
    with open(name, "w", newline="\n") as f:
        f.write(text)  # no final newline: the files hold the exact strings
