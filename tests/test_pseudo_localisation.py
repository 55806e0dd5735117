"""Nothing untranslated reaches a reader: every page of the demo, for a visitor and for each
role, rendered with a pseudo-catalogue in which every translation is marked ⟦…⟧. Any word
outside the marks that is not a name, a number, a code or text people typed (marked ⟪…⟫ in the
database first) came from somewhere other than the catalogues — English that escaped
translation — and fails the test with the page and the words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from equalfooting.accounts.models import User
from tests import factories, pseudo
from tests.site_pages import PEOPLE, build_scenario, page_paths

pytestmark = pytest.mark.django_db

# Words the software writes in every language on purpose: its own name, and the names of
# formats and standards that are not translated.
NAMES = {"Equal", "Footing", "API", "JSON", "CSV", "XLSX", "IATI", "PDF", "TOTP", "HTML"}
NAMES |= {name.lower() for name in NAMES}


@pytest.fixture
def pseudo_catalogue(settings: Any, tmp_path: Path) -> None:
    settings.LOCALE_PATHS = [pseudo.build(tmp_path / "locale")]


def test_every_page_in_every_role_is_translated(
    settings: Any, pseudo_catalogue: None, tmp_path: Path
) -> None:
    arguments = build_scenario(settings)
    pseudo.mark_typed_text()
    # Each language's own name, as the language switcher writes it, is a name too.
    own_names = {word for _code, name in settings.LANGUAGES for word in name.split()}
    allowed = pseudo.locale_words() | pseudo.data_words() | NAMES | own_names
    paths = [f"/{pseudo.PSEUDO}{path}" for path in page_paths(arguments)]
    leaks: dict[str, set[str]] = {}
    read = 0
    for username in PEOPLE.values():
        client = Client()
        if username is not None:
            person = User.objects.get(username=username)
            if TOTPDevice.objects.filter(user=person, confirmed=True).exists():
                factories.login_with_2fa(client, person)
            else:
                client.force_login(person)
        for path in paths:
            response = client.get(path)
            if "text/html" not in response.get("Content-Type", "") or response.status_code >= 500:
                continue
            read += 1
            words = pseudo.unmarked(response.content.decode(), allowed)
            if words:
                leaks.setdefault(path, set()).update(words)
    assert read > 4 * len(paths)  # nearly every page, by nearly every person
    report = "\n".join(
        f"{path}: {' '.join(sorted(words))}" for path, words in sorted(leaks.items())
    )
    assert not leaks, "words shown outside the catalogues (page: words):\n" + report


def test_the_check_sees_english_outside_the_marks_and_nothing_else() -> None:
    html = (
        '<p>⟦Requests⟧ Hello world <a title="Untranslated tip">⟦Read the⟧ REQ-00012</a></p>'
        '<p lang="en">Kept English</p><code>equalfooting audit verify</code>'
        "<p>⟪Typed by a person⟫ ⟦Page ⟦nested⟧ done⟧ 12,5 % décembre</p>"
        "<svg><text><tspan>⟦Mean share</tspan><tspan>served⟧</tspan></text></svg>"
    )
    assert sorted(pseudo.unmarked(html, {"décembre"})) == ["Hello", "Untranslated", "tip", "world"]
