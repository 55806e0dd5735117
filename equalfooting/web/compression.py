"""Pages for the public go compressed to readers whose browsers accept it.

Only pages without a session: a signed-in page carries a CSRF token and the reader's own data,
and compressing what an attacker can partly choose beside a secret lets the secret be guessed
from the compressed size (BREACH). A page for the public holds nothing secret. Static files come
compressed from WhiteNoise already, and images gain nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware


class PublicPageGZipMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return response
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        return super().process_response(request, response)
