"""An outsider with only the public outputs tries to undo confidentiality, and fails.

The adversary reads what anyone may read of the demo — the audit page and export, every open
data file, the public API and a mirror bundle — and tries to link each confidential object
(a private or providers-only self-assessment, a draft request, a proposal under blind review,
a review, a conflict declaration, an account and its roles) to a State or a person. The test
gives the adversary more than any outsider has: the exact statement each sealed entry commits
to, as if every guess were right, and checks that nothing public confirms it.
"""

from __future__ import annotations

import hashlib
import json
import re
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from equalfooting import demo as demo_scenario
from equalfooting.accounts.models import Role, User
from equalfooting.audit.models import AuditEntry
from equalfooting.core.paging import PER_PAGE
from equalfooting.domain.audit import canonical
from equalfooting.fund.models import ConflictDeclaration, Proposal, Review
from equalfooting.needs.models import Assessment, AssistanceRequest
from equalfooting.registry.models import State
from equalfooting.transparency import exports, mirror
from tests import factories

pytestmark = pytest.mark.django_db

PAGES = ("/en/", "/en/requests/", "/en/offers/", "/en/fund/", "/en/figures/", "/en/rounds/")
API_READS = (
    "/api/v1/requests",
    "/api/v1/offers",
    "/api/v1/rounds",
    "/api/v1/fund/rounds",
    "/api/v1/fund/balances",
    "/api/v1/figures",
)


@pytest.fixture
def demo(settings: Any) -> None:
    # The demo's fifty accounts, hashed in a blink rather than Argon2's quarter of a second each
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        demo_scenario.build(password="adversary-test")
        # The demo's money moves as a process; an officer's own posting names an account.
        factories.contribution_received(factories.officer("adversary-officer"), amount="10.00")


def public_outputs(client: Client, tmp_path: Path) -> dict[str, str]:
    """Everything an outsider can fetch, by where it came from."""
    outputs: dict[str, str] = {}
    for dataset in exports.DATASETS:
        response = factories.open_data(client, f"/en/open-data/{dataset}.json")
        assert response.status_code == 200
        outputs[f"open data {dataset}"] = response.getvalue().decode()
    # Every page of the chain, following its links to older entries.
    query, page = "", 0
    while True:
        page += 1
        html = client.get(f"/en/audit/?{query}").content.decode()
        outputs[f"audit page {page}"] = html
        older = re.search(r'<a href="\?([^"]+)" rel="next">', html)
        if older is None:
            break
        query = older.group(1).replace("&amp;", "&")
    assert page > 1 and page >= AuditEntry.objects.count() // PER_PAGE
    for path in API_READS:
        outputs[path] = client.get(path).content.decode()
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        outputs[f"page {path}"] = response.content.decode()
    touched = State.objects.filter(iso3__in=["KAZ", "SSD", "FJI", "KEN"])
    for state in touched:
        outputs[f"page of {state.iso3}"] = client.get(f"/en/states/{state.iso3}/").content.decode()
    for state in State.objects.all():
        outputs[f"assessments of {state.iso3}"] = client.get(
            f"/api/v1/states/{state.iso3}/assessments"
        ).content.decode()
    tmp_path.mkdir(parents=True, exist_ok=True)
    bundle = tmp_path / "bundle.tar"
    mirror.export(bundle)
    with tarfile.open(bundle) as tar:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            outputs[f"mirror {member.name}"] = (
                data.hex() if member.name.endswith(".sig") else data.decode()
            )
    return outputs


def confidential_objects() -> set[tuple[str, str]]:
    """(object type, id) of everything the public may not see, as the audit chain names them."""
    public_assessments = Assessment.objects.filter(
        status=Assessment.Status.SUBMITTED, visibility=Assessment.Visibility.PUBLIC
    )
    objects = {
        *(("assessment", str(pk)) for pk in Assessment.objects.values_list("pk", flat=True)),
        *(
            ("request", str(pk))
            for pk in AssistanceRequest.objects.filter(submitted_at=None).values_list(
                "pk", flat=True
            )
        ),
        *(("proposal", str(pk)) for pk in Proposal.objects.values_list("pk", flat=True)),
        *(("review", str(pk)) for pk in Review.objects.values_list("pk", flat=True)),
        *(("conflict", str(pk)) for pk in ConflictDeclaration.objects.values_list("pk", flat=True)),
        *(("role", str(pk)) for pk in Role.objects.values_list("pk", flat=True)),
        *(("user", str(pk)) for pk in User.objects.values_list("pk", flat=True)),
    }
    return objects - {
        ("assessment", str(pk)) for pk in public_assessments.values_list("pk", flat=True)
    }


def test_no_public_output_links_a_confidential_object_or_a_person(
    demo: None, client: Client, tmp_path: Path
) -> None:
    secret = confidential_objects()
    # The demo has every kind of confidential object the issue names.
    assert {kind for kind, _ in secret} >= {"assessment", "request", "proposal", "role", "user"}
    outputs = public_outputs(client, tmp_path)
    everything = "\n".join(outputs.values())

    # 1. No entry discloses a confidential object, and no person is ever named by number.
    for entry in AuditEntry.objects.all():
        if (entry.object_type, entry.object_id) in secret:
            assert entry.disclosed == {}, entry.action
        assert entry.disclosed.get("actor", "person") in {"person", "anonymous"} or entry.disclosed[
            "actor"
        ].startswith("system:")
    assert not re.search(r"user:\d+", everything)

    # 2. The perfect guess: the adversary knows each sealed entry's exact statement. Without
    # the salt, no function of it appears anywhere public — neither the statement's plain hash
    # nor the digest of the state, which the chain once published and could be guessed.
    published = set(re.findall(r"[0-9a-f]{64}", everything))
    for entry in AuditEntry.objects.all():
        statement = entry.statement()
        assert entry.digest not in published
        assert hashlib.sha256(canonical(statement.fields())).hexdigest() not in published
        assert entry.salt not in published

    # 3. Blind review: no proposal, review or conflict is named anywhere public.
    for proposal in Proposal.objects.all():
        assert proposal.reference not in everything

    # 4. The mirror carries which States take part, not who: roles and their placeholder
    # accounts are numbered afresh, pairwise, in an order of public attributes only.
    records = json.loads(outputs["mirror records.json"])
    roles = [r for r in records if r["model"] == "accounts.role"]
    users = [r for r in records if r["model"] == "accounts.user"]
    assert roles and len(roles) == len(users)
    assert (
        [r["fields"]["user"] for r in roles]
        == [r["pk"] for r in roles]
        == list(range(1, len(roles) + 1))
    )
    assert {u["fields"]["username"] for u in users} == {
        f"mirror-user-{n}" for n in range(1, len(users) + 1)
    }
    assert all(r["fields"]["nominated_at"].endswith("T00:00:00+00:00") for r in roles)


def _sealed_faces(after_seq: int) -> list[dict[str, Any]]:
    rows = AuditEntry.objects.filter(seq__gt=after_seq).order_by("seq")
    return [row.published() for row in rows]


def test_the_public_log_says_nothing_of_how_many_private_assessments_a_state_has(
    focal_point_ken: User, client: Client, tmp_path: Path
) -> None:
    kaz = State.objects.get(iso3="KAZ")
    focal_point_kaz = factories.focal_point(kaz)
    before = public_outputs(client, tmp_path / "before")
    start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0

    factories.submitted_assessment(focal_point_kaz, kaz)
    factories.submitted_assessment(focal_point_kaz, kaz)
    middle = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    factories.submitted_assessment(
        focal_point_ken, "KEN", visibility=Assessment.Visibility.PROVIDERS
    )

    # Every entry those private assessments added is sealed, and a sealed entry of Kazakhstan's
    # has exactly the shape of one of Kenya's: nothing in it depends on the State.
    faces = _sealed_faces(start)
    assert faces and all(face["disclosed"] == {} for face in faces)
    assert {tuple(sorted(face)) for face in faces} == {tuple(sorted(AuditEntry.PUBLIC_FIELDS))}
    assert any(f["seq"] <= middle for f in faces) and any(f["seq"] > middle for f in faces)

    # Apart from the sealed entries themselves, no public output changed with the assessments:
    # the pages, files and API say the same of Kazakhstan with zero and with two of them.
    after = public_outputs(client, tmp_path / "after")
    chain_views = ("audit page", "open data audit", "mirror audit.json", "mirror manifest")
    unchanged = [name for name in before if not name.startswith(chain_views)]
    assert "assessments of KAZ" in unchanged and "mirror records.json" in unchanged
    # The figures end "now": the moment they were read is the one thing allowed to differ.
    for outputs in (before, after):
        figures = json.loads(outputs["/api/v1/figures"])
        outputs["/api/v1/figures"] = json.dumps({**figures, "period_end": None})
    # The home page names the chain's length and head, as the audit page does.
    for outputs in (before, after):
        outputs["page /en/"] = re.sub(r"Audit chain: .*?</p>", "", outputs["page /en/"])
    assert [name for name in unchanged if after[name] != before[name]] == []


def test_an_entry_shown_to_someone_checks_against_its_public_commitment() -> None:
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    statement = entry.statement()
    assert statement.commitment(entry.salt) == entry.commitment
    assert statement.commitment("00" * 32) != entry.commitment
    assert set(entry.published()) == set(AuditEntry.PUBLIC_FIELDS)
