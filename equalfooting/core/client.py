"""Where a request comes from: the one answer sign-in throttling and reset limits both use."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address, which a client cannot forge.

    With no reverse proxy (EF_PROXY_COUNT=0) it is the connection's own address, and any
    X-Forwarded-For header is ignored. Behind N proxies, each appends the address it received
    the request from, so the client's address is the N-th entry from the right; anything to
    its left was written by the client and is not trusted. A request with fewer entries did
    not pass through every proxy: the connection's address is all there is.
    """
    direct = request.META.get("REMOTE_ADDR") or None
    proxies = settings.EF_PROXY_COUNT
    if not proxies:
        return direct
    chain = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [hop for hop in chain if hop]
    if len(chain) < proxies:
        return direct
    candidate = chain[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # not an address: a misconfigured proxy, or a forged header
        return direct
