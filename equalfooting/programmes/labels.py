"""The coverage matrix's words: each cell's status, named for readers."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from equalfooting.domain import coverage

STATUS: dict[str, Promise] = {
    coverage.UNMET: _("Need without activity"),
    coverage.SERVED: _("Some activity"),
    coverage.CONCENTRATED_STATUS: _("Three activities or more"),
    coverage.QUIET: _("Neither need nor activity"),
}
