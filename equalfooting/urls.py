from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path, reverse_lazy

from equalfooting.accounts import views as accounts
from equalfooting.api.main import api
from equalfooting.contacts import views as contacts
from equalfooting.fund import proposal_views
from equalfooting.fund import views as fund
from equalfooting.jobs import views as jobs
from equalfooting.matchmaking import views as matchmaking
from equalfooting.needs import views as needs
from equalfooting.notifications import views as notifications
from equalfooting.offers import views as offers
from equalfooting.programmes import calendar_views as calendar
from equalfooting.programmes import library_views as library
from equalfooting.programmes import views as programmes
from equalfooting.registry import views as registry
from equalfooting.transparency import dashboard_views, export_views, state_views
from equalfooting.transparency import views as transparency
from equalfooting.web import calendar_feed, health, metrics, work
from equalfooting.web import views as core

handler403 = "equalfooting.web.views.error_403"
handler404 = "equalfooting.web.views.error_404"
handler500 = "equalfooting.web.views.error_500"

core_patterns = (
    [path("", core.home, name="home"), path("my-work/", work.my_work, name="my_work")],
    "core",
)

registry_patterns = (
    [
        path("states/", registry.state_list, name="state_list"),
        # The State page gathers the State's public record from every part (transparency).
        path("states/<str:iso3>/", state_views.state_detail, name="state_detail"),
        path(
            "states/<str:iso3>/profile/edit/",
            registry.state_profile_edit,
            name="state_profile_edit",
        ),
        path("organisations/", registry.organisation_list, name="organisation_list"),
        path("organisations/<str:code>/", registry.organisation_detail, name="organisation_detail"),
        path("coverage/", registry.coverage, name="coverage"),
        path("sources/", registry.sources, name="sources"),
    ],
    "registry",
)

needs_patterns = (
    [
        path("states/<str:iso3>/assessments/", needs.assessment_list, name="assessment_list"),
        path("states/<str:iso3>/assessments/edit/", needs.assessment_edit, name="assessment_edit"),
        path("assessments/<int:assessment_id>/", needs.assessment_detail, name="assessment_detail"),
        path(
            "assessments/<int:assessment_id>/visibility/",
            needs.assessment_visibility,
            name="assessment_visibility",
        ),
        path("requests/", needs.request_list, name="request_list"),
        path("requests/principles/", dashboard_views.principles, name="statistics"),
        path("requests/<int:request_id>/", needs.request_detail, name="request_detail"),
        path("requests/<int:request_id>/edit/", needs.request_edit, name="request_edit"),
        path(
            "requests/<int:request_id>/transition/",
            needs.request_transition,
            name="request_transition",
        ),
        path(
            "requests/<int:request_id>/confirm/<str:target>/",
            needs.request_step_confirm,
            name="request_step_confirm",
        ),
        path("states/<str:iso3>/requests/new/", needs.request_create, name="request_create"),
    ],
    "needs",
)

contacts_patterns = (
    [
        path("contacts/", contacts.directory, name="directory"),
        path("contacts/figures/", contacts.statistics, name="statistics"),
        path("contacts/templates/", contacts.message_templates, name="templates"),
        path("contacts/checks/", contacts.check_rounds, name="checks"),
        path("contacts/<int:contact_id>/verify/", contacts.contact_verify, name="verify"),
        path("states/<str:iso3>/contacts/nominate/", contacts.contact_nominate, name="nominate"),
    ],
    "contacts",
)

programmes_patterns = (
    [
        path("register/", programmes.register, name="register"),
        path("search/", programmes.search_page, name="search"),
        path("library/", library.library_list, name="library"),
        path("library/new/", library.document_add, name="document_add"),
        path("library/<int:document_id>/", library.document_detail, name="document_detail"),
        path(
            "library/<int:document_id>/versions/new/",
            library.version_add,
            name="version_add",
        ),
        path(
            "library/<int:document_id>/<str:language>/file",
            library.version_file,
            name="version_file",
        ),
        path("calendar/", calendar.calendar, name="calendar"),
        path("calendar.ics", calendar.calendar_feed, name="calendar_feed"),
        path("calendar/new/", calendar.event_form, name="event_new"),
        path("calendar/link/", calendar.calendar_link, name="calendar_link"),
        path("calendar/<int:event_id>/", calendar.event_detail, name="event_detail"),
        path("calendar/<int:event_id>/edit/", calendar.event_form, name="event_edit"),
        path(
            "calendar/<int:event_id>/transition/",
            calendar.event_transition,
            name="event_transition",
        ),
        path("calendar/<int:event_id>/register/", calendar.event_register, name="event_register"),
        path(
            "calendar/<int:event_id>/sponsorship/open/",
            calendar.sponsorship_open,
            name="sponsorship_open",
        ),
        path(
            "calendar/<int:event_id>/sponsorship/apply/",
            calendar.sponsorship_apply,
            name="sponsorship_apply",
        ),
        path(
            "calendar/<int:event_id>/sponsorship/<int:application_id>/withdraw/",
            calendar.sponsorship_withdraw,
            name="sponsorship_withdraw",
        ),
        path(
            "calendar/<int:event_id>/sponsorship/select/",
            calendar.sponsorship_select,
            name="sponsorship_select",
        ),
        path(
            "calendar/<int:event_id>/sponsorship/<str:which>.json",
            calendar.sponsorship_file,
            name="sponsorship_file",
        ),
        path("register/propose/", programmes.activity_propose, name="activity_propose"),
        path("register/curation/", programmes.curation_queue, name="curation_queue"),
        path("register/coverage/", programmes.coverage_matrix, name="coverage"),
        path("register/duplicates/", programmes.duplicate_list, name="duplicates"),
        path("register/export.<str:fmt>", programmes.register_export, name="register_export"),
        path("register/import/", programmes.register_import, name="register_import"),
        path(
            "register/import/<int:batch_id>/",
            programmes.register_import_apply,
            name="register_import_apply",
        ),
        path("register/duplicates/merge/", programmes.duplicate_merge, name="duplicate_merge"),
        path(
            "register/duplicates/keep-apart/",
            programmes.duplicate_keep_apart,
            name="duplicate_keep_apart",
        ),
        path("register/merges/<int:merge_id>/undo/", programmes.merge_undo, name="merge_undo"),
        path("register/<int:activity_id>/", programmes.activity_detail, name="activity_detail"),
        path(
            "register/<int:activity_id>/curate/",
            programmes.activity_curate,
            name="activity_curate",
        ),
        path(
            "register/<int:activity_id>/correct/",
            programmes.activity_correct,
            name="activity_correct",
        ),
        path(
            "register/corrections/<int:correction_id>/decide/",
            programmes.correction_decide,
            name="correction_decide",
        ),
        path(
            "register/<int:activity_id>/aggregate-only/",
            programmes.activity_keep_to_aggregates,
            name="activity_keep_to_aggregates",
        ),
    ],
    "programmes",
)

offers_patterns = (
    [
        path("offers/", offers.offer_list, name="offer_list"),
        path("offers/<int:offer_id>/", offers.offer_detail, name="offer_detail"),
        path("offers/<int:offer_id>/edit/", offers.offer_edit, name="offer_edit"),
        path("offers/<int:offer_id>/transition/", offers.offer_transition, name="offer_transition"),
        path(
            "offers/<int:offer_id>/confirm/<str:target>/",
            offers.offer_step_confirm,
            name="offer_step_confirm",
        ),
        path("providers/", offers.provider_list, name="provider_list"),
        path("providers/new/", offers.provider_create, name="provider_create"),
        path("providers/<int:provider_id>/", offers.provider_detail, name="provider_detail"),
        path(
            "providers/<int:provider_id>/representatives/nominate/",
            offers.representative_nominate,
            name="representative_nominate",
        ),
        path("providers/<int:provider_id>/offers/new/", offers.offer_create, name="offer_create"),
    ],
    "offers",
)

matchmaking_patterns = (
    [
        path("rounds/", matchmaking.round_list, name="round_list"),
        path("rounds/new/", matchmaking.round_open, name="round_open"),
        path("rounds/<int:round_id>/", matchmaking.round_detail, name="round_detail"),
        path("rounds/<int:round_id>/decide/", matchmaking.round_decide, name="round_decide"),
        path("rounds/<int:round_id>/discard/", matchmaking.round_discard, name="round_discard"),
        path("rounds/<int:round_id>/<str:name>.json", matchmaking.round_file, name="round_file"),
        path("matches/<int:match_id>/state/", matchmaking.match_state, name="match_state"),
        path(
            "matches/<int:match_id>/state/decline/",
            matchmaking.match_state_decline,
            name="match_state_decline",
        ),
        path("matches/<int:match_id>/provider/", matchmaking.match_provider, name="match_provider"),
        path(
            "matches/<int:match_id>/provider/decline/",
            matchmaking.match_provider_decline,
            name="match_provider_decline",
        ),
        path("matches/<int:match_id>/report/", matchmaking.match_report, name="match_report"),
        path("declines/", matchmaking.decline_statistics, name="declines"),
        path("fund/priority-queue/", matchmaking.priority_queue, name="priority_queue"),
    ],
    "matchmaking",
)

fund_patterns = (
    [
        path("fund/", fund.overview, name="overview"),
        path("fund/ledger/", fund.ledger_list, name="ledger"),
        path("fund/manage/", fund.manage, name="manage"),
        path("fund/contributions/<int:contribution_id>/receive/", fund.receive, name="receive"),
        path("fund/rounds/<int:round_id>/", fund.round_detail, name="round_detail"),
        path("fund/rounds/<int:round_id>/publish/", fund.round_publish, name="round_publish"),
        path("fund/rounds/<int:round_id>/discard/", fund.round_discard, name="round_discard"),
        path("fund/rounds/<int:round_id>/<str:name>.json", fund.round_file, name="round_file"),
        path(
            "states/<str:iso3>/proposals/new/",
            proposal_views.proposal_create,
            name="proposal_create",
        ),
        path(
            "fund/proposals/<int:proposal_id>/",
            proposal_views.proposal_detail,
            name="proposal_detail",
        ),
        path(
            "fund/proposals/<int:proposal_id>/act/",
            proposal_views.proposal_act,
            name="proposal_act",
        ),
        path("fund/reviews/", proposal_views.review_list, name="review_list"),
        path("fund/reviews/<int:review_id>/", proposal_views.review_detail, name="review_detail"),
        path("fund/reviews/conflicts/", proposal_views.conflict_declare, name="conflict_declare"),
        path(
            "fund/projects/<int:project_id>/", proposal_views.project_detail, name="project_detail"
        ),
        path("fund/projects/<int:project_id>/act/", proposal_views.project_act, name="project_act"),
        path(
            "fund/rounds/<int:round_id>/states/<str:iso3>/",
            fund.state_explanation,
            name="state_explanation",
        ),
    ],
    "fund",
)

notifications_patterns = (
    [
        path("", notifications.inbox, name="inbox"),
        path("<int:pk>/read/", notifications.mark_read, name="mark_read"),
        path("read/", notifications.mark_all_read, name="mark_all_read"),
        path("preferences/", notifications.preferences, name="preferences"),
        path("unsubscribe/<str:token>/", notifications.unsubscribe, name="unsubscribe"),
    ],
    "notifications",
)

jobs_patterns = (
    [
        path("jobs/", jobs.job_list, name="job_list"),
        path("jobs/<uuid:job_id>/", jobs.job_detail, name="job_detail"),
        path("jobs/<uuid:job_id>/state/", jobs.job_state, name="job_state"),
        path("jobs/<uuid:job_id>/retry/", jobs.job_retry, name="job_retry"),
    ],
    "jobs",
)

accounts_patterns = (
    [
        path("login/", accounts.LoginView.as_view(), name="login"),
        path("logout/", auth_views.LogoutView.as_view(), name="logout"),
        path("", accounts.home, name="home"),
        path("language/", accounts.language, name="language"),
        path("2fa/setup/", accounts.otp_setup, name="otp_setup"),
        path("2fa/verify/", accounts.otp_verify, name="otp_verify"),
        path("2fa/recovery-codes/", accounts.recovery_codes_new, name="recovery_codes_new"),
        path("people/<int:pk>/2fa/reset/", accounts.two_factor_reset, name="two_factor_reset"),
        path("tokens/new/", accounts.token_create, name="token_create"),
        path("tokens/<int:pk>/revoke/", accounts.token_revoke, name="token_revoke"),
        path("nominations/", accounts.nomination_list, name="nominations"),
        path("nominations/<int:pk>/decide/", accounts.nomination_decide, name="nomination_decide"),
        path(
            "password-reset/",
            accounts.PasswordResetView.as_view(),
            name="password_reset",
        ),
        path(
            "password-reset/sent/",
            auth_views.PasswordResetDoneView.as_view(
                template_name="accounts/password_reset_done.html"
            ),
            name="password_reset_done",
        ),
        path(
            "password-reset/<uidb64>/<token>/",
            auth_views.PasswordResetConfirmView.as_view(
                template_name="accounts/password_reset_confirm.html",
                success_url=reverse_lazy("accounts:password_reset_complete"),
            ),
            name="password_reset_confirm",
        ),
        path(
            "password-reset/done/",
            auth_views.PasswordResetCompleteView.as_view(
                template_name="accounts/password_reset_complete.html"
            ),
            name="password_reset_complete",
        ),
    ],
    "accounts",
)

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    # Probes for load balancers, outside the language prefix (docs/operations.md).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
]
urlpatterns += i18n_patterns(
    path("", include(core_patterns)),
    path("", include(registry_patterns)),
    path("", include(needs_patterns)),
    path("", include(contacts_patterns)),
    path("", include(offers_patterns)),
    path("", include(programmes_patterns)),
    path("", include(matchmaking_patterns)),
    path("", include(fund_patterns)),
    path("", include(jobs_patterns)),
    path(
        "contact-check/<str:token>/", contacts.check_acknowledge, name="contact_check_acknowledge"
    ),
    path(
        "states/<str:iso3>/focal-points/nominate/",
        accounts.focal_point_nominate,
        name="focal_point_nominate",
    ),
    path("account/", include(accounts_patterns)),
    path("account/notifications/", include(notifications_patterns)),
    path(
        "calendar/private/<str:secret>.ics",
        calendar_feed.private_feed,
        name="calendar_private_feed",
    ),
    path("audit/", transparency.audit_chain, name="audit_chain"),
    path("open-data/", export_views.export_list, name="exports"),
    path("mirror/", export_views.mirror_info, name="mirror_info"),
    path("open-data/iati/<str:name>.xml", export_views.iati_file, name="iati_file"),
    path("figures/", dashboard_views.overview, name="dashboard"),
    path("figures/fairness/", dashboard_views.fairness, name="dashboard_fairness"),
    path("figures/map/", dashboard_views.world_map, name="dashboard_map"),
    path("reports/annual/<int:year>/", dashboard_views.annual_report, name="annual_report"),
    path(
        "reports/annual/<int:year>/report.pdf",
        dashboard_views.annual_report_pdf,
        name="annual_report_pdf",
    ),
    path("open-data/<str:dataset>.<str:fmt>", export_views.export_file, name="exports_file"),
    prefix_default_language=True,
)
