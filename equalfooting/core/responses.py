from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse


def json_download(content: Any, filename: str) -> HttpResponse:
    """A published file (a round's inputs or results) as a JSON attachment."""
    response = HttpResponse(
        json.dumps(content, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
