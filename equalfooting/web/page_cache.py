"""Pages for the public, served from the shared cache and cacheable by proxies.

A reader who is not signed in sees the same page as every other such reader: it is made once,
kept whole in the cache every application server shares (CACHE_URL), and sent with
`Cache-Control: public, max-age=EF_PUBLIC_MAX_AGE`, so that a reverse proxy or a mirror can
serve it too (ConditionalGetMiddleware adds the ETag that lets them ask again cheaply).

The key holds the head of the audit chain. Every change of state is audited in its own
transaction, so the head moves with any change of data and the next reader gets a page made
afresh: nothing has to remember to invalidate anything. The key also holds the release (code,
templates and translations), the host, the path with its query, and the day (pages say how many
days are left); an entry lives EF_PAGE_CACHE_SECONDS at most.

Each server process also keeps the pages it served last in its own memory (the "pages" cache,
a few hundred at most), under the same keys: a key names one state of the data, so a page kept
there is never stale, and a busy page (the map: a quarter of a megabyte) is not fetched from
the shared cache again for every reader.

Never kept: anything for a reader with a session or a message waiting, anything that sets a
cookie or uses a CSRF token (a form that posts), anything but a complete 200 HTML page, and any
response that says how it may be cached itself (never_cache, files). Pages for signed-in users
are marked `private, no-cache`: a proxy never keeps them, a browser asks again each time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

from equalfooting.audit.selectors import audit_head

# Answered without the cache's help: probes and metrics do no work, the API and files set
# their own headers.
NEVER = ("/healthz", "/readyz", "/metrics", "/api/", "/static/")


def _release() -> str:
    """The code, templates and translations this process serves, by content (the same on every
    server of a release, whatever the files' dates): a new release makes new pages."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(version("equalfooting").encode())
    for pattern in ("templates/**/*.html", "locale/*/LC_MESSAGES/*.mo", "**/*.py"):
        for path in sorted(package.glob(pattern)):
            digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


RELEASE = _release()


def _anonymous(request: HttpRequest) -> bool:
    """No session and no message waiting: the reader sees what every other reader sees."""
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES  # the messages framework's cookie
    )


def _key(request: HttpRequest) -> str:
    # The head's hash, not only its number: after a restore, the same number can name
    # another state of the data.
    _seq, head = audit_head()
    parts = (
        RELEASE,
        head,
        datetime.now(UTC).date().isoformat(),
        request.get_host(),
        request.get_full_path(),
    )
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Cache-Control")
        and response.get("Content-Type", "").startswith("text/html")
    )


class PublicPageCacheMiddleware:
    """Placed after the security, CSP and conditional-GET middleware, which therefore apply
    their headers (and the ETag) to a page from the cache as to any other."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(NEVER):
            return self.get_response(request)
        key = None
        if request.method == "GET" and settings.EF_PAGE_CACHE_SECONDS and _anonymous(request):
            key = _key(request)
            near = caches["pages"]
            kept = near.get(key)
            if kept is None:
                kept = cache.get(key)
                if kept is not None:
                    near.set(key, kept, settings.EF_PAGE_CACHE_SECONDS)
            if kept is not None:
                return _rebuilt(kept)
        response = self.get_response(request)
        if _anonymous(request) and _keepable(request, response):
            if key is not None:
                kept = _kept(response)
                cache.set(key, kept, settings.EF_PAGE_CACHE_SECONDS)
                caches["pages"].set(key, kept, settings.EF_PAGE_CACHE_SECONDS)
            patch_cache_control(response, public=True, max_age=settings.EF_PUBLIC_MAX_AGE)
        elif not _anonymous(request) and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_cache=True)
        return response


def _kept(response: HttpResponse) -> tuple[bytes, list[tuple[str, str]]]:
    return response.content, list(response.items())


def _rebuilt(kept: tuple[bytes, list[tuple[str, str]]]) -> HttpResponse:
    content, headers = kept
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    patch_cache_control(response, public=True, max_age=settings.EF_PUBLIC_MAX_AGE)
    return response
