from django.conf.urls.i18n import i18n_patterns
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path, reverse_lazy

from equalfooting.accounts import views as accounts
from equalfooting.api.main import api
from equalfooting.core import views as core
from equalfooting.registry import views as registry
from equalfooting.transparency import views as transparency

handler403 = "equalfooting.core.views.error_403"
handler404 = "equalfooting.core.views.error_404"
handler500 = "equalfooting.core.views.error_500"

core_patterns = ([path("", core.home, name="home")], "core")

registry_patterns = (
    [
        path("states/", registry.state_list, name="state_list"),
        path("states/<str:iso3>/", registry.state_detail, name="state_detail"),
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

accounts_patterns = (
    [
        path("login/", accounts.LoginView.as_view(), name="login"),
        path("logout/", auth_views.LogoutView.as_view(), name="logout"),
        path("", accounts.home, name="home"),
        path("2fa/setup/", accounts.otp_setup, name="otp_setup"),
        path("2fa/verify/", accounts.otp_verify, name="otp_verify"),
        path("tokens/new/", accounts.token_create, name="token_create"),
        path("tokens/<int:pk>/revoke/", accounts.token_revoke, name="token_revoke"),
        path("nominations/", accounts.nomination_list, name="nominations"),
        path("nominations/<int:pk>/decide/", accounts.nomination_decide, name="nomination_decide"),
        path(
            "password-reset/",
            auth_views.PasswordResetView.as_view(
                template_name="accounts/password_reset.html",
                email_template_name="accounts/password_reset_email.txt",
                subject_template_name="accounts/password_reset_subject.txt",
                success_url=reverse_lazy("accounts:password_reset_done"),
            ),
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
]
urlpatterns += i18n_patterns(
    path("", include(core_patterns)),
    path("", include(registry_patterns)),
    path(
        "states/<str:iso3>/focal-points/nominate/",
        accounts.focal_point_nominate,
        name="focal_point_nominate",
    ),
    path("account/", include(accounts_patterns)),
    path("audit/", transparency.audit_chain, name="audit_chain"),
    prefix_default_language=True,
)
