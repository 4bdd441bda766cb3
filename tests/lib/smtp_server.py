#!/usr/bin/python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""A real SMTP server for the tests (Debian's python3-aiosmtpd), started by tests/lib/smtp.mjs.

Each message it accepts is written as one JSON line {mail_from, rcpt_tos, data, at, peer} to --out (or
stdout); "READY <port>" goes to stdout once it listens.
  --port N          0: any free port (the one chosen is printed)
  --cert F --key F  a certificate and key: with --tls, implicit TLS (smtps); else STARTTLS is
                    offered, and required with --require-starttls
  --auth USER:PASS  AUTH PLAIN/LOGIN required before MAIL
  --delay-ms N      wait N ms before answering each RCPT (to catch a sender mid-batch)
"""
import argparse
import asyncio
import json
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self, out, delay_ms):
        self.out = out
        self.delay = delay_ms / 1000.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.delay:
            await asyncio.sleep(self.delay)
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        data = envelope.content.decode('utf-8', errors='replace')
        # peer: the client's address and port, one per connection (how many the sender opened)
        line = json.dumps({'mail_from': envelope.mail_from, 'rcpt_tos': envelope.rcpt_tos,
                           'data': data, 'at': time.time(), 'peer': list(session.peer)[:2]})
        self.out.write(line + '\n')
        self.out.flush()
        return '250 Message accepted for delivery'


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user
              and auth_data.password.decode() == password)
        return AuthResult(success=ok, handled=False)
    return check


class ImplicitTLSController(Controller):
    """Controller whose readiness probe speaks TLS (aiosmtpd's own probe is plain)."""

    def _trigger_server(self):
        import socket
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        with socket.create_connection((self.hostname, self.port), 1.0) as s:
            with ctx.wrap_socket(s) as t:
                t.recv(1024)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--port', type=int, default=0)
    p.add_argument('--cert')
    p.add_argument('--key')
    p.add_argument('--tls', action='store_true')
    p.add_argument('--require-starttls', action='store_true')
    p.add_argument('--auth')
    p.add_argument('--out')
    p.add_argument('--delay-ms', type=int, default=0)
    a = p.parse_args()

    out = open(a.out, 'a', encoding='utf-8') if a.out else sys.stdout
    port = a.port
    if port == 0:
        import socket
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            port = s.getsockname()[1]
    kw = {}
    ctx = None
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
    if a.auth:
        user, password = a.auth.split(':', 1)
        kw.update(authenticator=authenticator(user, password), auth_required=True,
                  # with implicit TLS aiosmtpd does not know the session is encrypted
                  auth_require_tls=bool(ctx) and not a.tls)
    if ctx and a.tls:
        cls = ImplicitTLSController
        kw['ssl_context'] = ctx
    else:
        cls = Controller
        if ctx:
            kw.update(tls_context=ctx, require_starttls=a.require_starttls)
    c = cls(Recorder(out, a.delay_ms), hostname='127.0.0.1', port=port, **kw)
    c.start()
    print(f'READY {port}', flush=True)
    try:
        sys.stdin.read()  # until the test closes our stdin (or kills us)
    finally:
        c.stop()


if __name__ == '__main__':
    main()
