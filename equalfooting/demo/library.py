"""The demo's library: a few synthetic documents in several languages, as plain text files,
each saying it is synthetic."""

from __future__ import annotations

from equalfooting.programmes import library
from equalfooting.programmes.models import Document

from .people import ACTOR

NOTE = "Synthetic demo data: a generated document, not a real publication."
# (kind, themes, State, [(language, title, text)])
DOCUMENTS = [
    (
        Document.Kind.STRATEGY,
        ["policy", "incident"],
        "KEN",
        [
            (
                "en",
                "National cybersecurity strategy (synthetic)",
                "Objectives: a national computer incident response team, critical "
                "infrastructure protection, and training of analysts.",
            ),
            (
                "fr",
                "Stratégie nationale de cybersécurité (synthétique)",
                "Objectifs : une équipe nationale de réponse aux incidents informatiques, la "
                "protection des infrastructures critiques et la formation d'analystes.",
            ),
        ],
    ),
    (
        Document.Kind.GUIDE,
        ["incident"],
        None,
        [
            (
                "ar",
                "دليل الاستجابة للحوادث الحاسوبية (اصطناعي)",
                "خطوات معالجة الحوادث: الكشف والاحتواء والتعافي وتبادل المعلومات مع الفرق الوطنية.",
            ),
            (
                "en",
                "Computer incident response guide (synthetic)",
                "Steps of incident handling: detection, containment, recovery and sharing "
                "information with national teams.",
            ),
        ],
    ),
    (
        Document.Kind.CURRICULUM,
        ["skills"],
        None,
        [
            (
                "zh",
                "网络安全分析员培训课程（合成）",
                "课程内容：网络安全基础、事件响应、数字取证和威胁情报分析。",
            ),
            (
                "ru",
                "Учебная программа для аналитиков по кибербезопасности (синтетическая)",
                "Содержание: основы кибербезопасности, реагирование на инциденты, цифровая "
                "криминалистика.",
            ),
        ],
    ),
    (
        Document.Kind.REPORT,
        ["cooperation", "legal"],
        None,
        [
            (
                "es",
                "Informe sobre cooperación regional en ciberseguridad (sintético)",
                "Resultados de la cooperación entre equipos nacionales de respuesta a "
                "incidentes y marcos jurídicos sobre delitos cibernéticos.",
            ),
        ],
    ),
]


def build() -> None:
    if Document.objects.filter(is_synthetic=True).exists():
        return
    for number, (kind, themes, state, versions) in enumerate(DOCUMENTS, start=1):
        (language, title, text), *others = versions
        document = library.document_add(
            actor=ACTOR,
            kind=kind,
            licence=Document.Licence.CC_BY,
            source=f"Equal Footing demo (synthetic document {number})",
            themes=themes,
            state=state or "",
            published_on=f"2026-0{number}-15",
            language=language,
            title=title,
            upload=library.Upload(
                f"document-{number}-{language}.txt", f"{text}\n\n{NOTE}\n".encode()
            ),
            is_synthetic=True,
        )
        for language, title, text in others:
            library.version_add(
                actor=ACTOR,
                document=document,
                language=language,
                title=title,
                upload=library.Upload(
                    f"document-{number}-{language}.txt", f"{text}\n\n{NOTE}\n".encode()
                ),
            )
