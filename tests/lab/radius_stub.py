#!/usr/bin/env python3
"""A RADIUS authentication server for the lab, just enough to see what charon's
eap-radius plugin logs when its server refuses a user, answers with another
shared secret, or does not answer at all.

  radius_stub.py --listen ADDR --port PORT --secret S --mode reject|silent

reject: every Access-Request is answered with an Access-Reject (RFC 2865 4.3)
whose Response Authenticator is MD5(Code, Identifier, Length, Request
Authenticator, Attributes, S): charon accepts it when S is its own secret
("RADIUS authentication of ... failed") and refuses it when not ("RADIUS
Response-Authenticator verification failed"). silent: requests are read and
never answered (charon retransmits, then times out). Runs until killed; one
line per request on stdout.
"""
import argparse
import hashlib
import socket
import struct
import sys

ACCESS_REQUEST = 1
ACCESS_REJECT = 3


def reject(request, secret):
    """The Access-Reject answering `request`, without attributes."""
    ident = request[1]
    req_auth = request[4:20]
    length = 20
    head = struct.pack("!BBH", ACCESS_REJECT, ident, length)
    auth = hashlib.md5(head + req_auth + secret).digest()
    return head + auth


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=1812)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--mode", choices=("reject", "silent"), default="reject")
    a = ap.parse_args()
    fam = socket.AF_INET6 if ":" in a.listen else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((a.listen, a.port))
    print("radius_stub: listening on %s port %d (%s)" % (a.listen, a.port, a.mode), flush=True)
    while True:
        data, peer = s.recvfrom(4096)
        if len(data) < 20 or data[0] != ACCESS_REQUEST:
            print("radius_stub: ignored %d bytes from %s" % (len(data), peer[0]), flush=True)
            continue
        print("radius_stub: Access-Request id %d from %s" % (data[1], peer[0]), flush=True)
        if a.mode == "reject":
            s.sendto(reject(data, a.secret.encode()), peer)


if __name__ == "__main__":
    sys.exit(main())
