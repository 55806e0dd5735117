from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_bidi

from equalfooting import permissions
from equalfooting.core.models import installation_get
from equalfooting.notifications.selectors import unread_count


def site(request: HttpRequest) -> dict[str, Any]:
    """What every page needs: the language links, the text direction, the user's roles."""
    path = request.get_full_path()
    current = get_language()
    return {
        "language_links": [
            {
                "code": code,
                "name": name,
                "url": translate_url(path, code),
                "current": code == current,
            }
            for code, name in settings.LANGUAGES
        ],
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "user_roles": permissions.verified_roles(request.user) if hasattr(request, "user") else [],
        "is_secretariat": hasattr(request, "user")
        and permissions.has_role(request.user, permissions.SECRETARIAT),
        "is_reviewer": hasattr(request, "user")
        and permissions.has_role(request.user, permissions.REVIEWER),
        # The header's unread count: one indexed count, only for a signed-in person.
        "unread_notifications": unread_count(user=request.user) if hasattr(request, "user") else 0,
        **_installation(),
    }


def _installation() -> dict[str, Any]:
    """Whether this installation holds synthetic data, and whose mirror it is: one read."""
    row = installation_get()
    return {
        "demo_installation": bool(row and row.has_synthetic_data),
        "mirror": row if row and row.mirror_of else None,
    }
