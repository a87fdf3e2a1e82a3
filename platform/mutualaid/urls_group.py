"""URLs of a group's host (the group's schema)."""

from django.urls import include, path

from core.accounts import views as accounts
from core.documents import views as document_files
from core.tenancy import branding_views as branding
from core.tenancy import language
from core.tenancy import views as tenancy
from mutualaid.directory import views as directory
from tenants.documents import views as documents
from tenants.home import setup_views as home_setup
from tenants.home import views as home
from tenants.matching import dispatch_views as dispatch
from tenants.matching import scheduling_views as scheduling
from tenants.matching import priority_views as priority
from tenants.matching import views as matching
from tenants.reports import impact_views as impact
from tenants.requests import views as requests
from tenants.volunteers import views as volunteers

urlpatterns = [
    path("", home.home, name="home"),
    path("setup/", home.setup, name="setup"),
    path("setup/directory/", directory.listing, name="setup_directory"),
    path("setup/forms/", include("tenants.forms.urls")),
    path("setup/types/", include("tenants.requests.type_urls")),
    path("setup/languages/", home_setup.languages, name="setup_languages"),
    path("setup/branding/", home_setup.branding, name="setup_branding"),
    path("setup/impact/", impact.impact_setup, name="setup_impact"),
    path("setup/priority/", priority.weights, name="setup_priority"),
    path("branding/logo", branding.logo, name="branding_logo"),
    path("branding/theme.css", branding.theme_css, name="branding_theme"),
    path("welcome/<str:token>/", tenancy.welcome, name="welcome"),
    path("impact/", impact.impact_page, name="impact"),
    path("impact/embed/", impact.impact_embed, name="impact_embed"),
    path("ask/", requests.ask, name="ask"),
    path("ask/thanks/", requests.thanks, name="ask_thanks"),
    path("volunteer/join/", volunteers.join, name="volunteer_join"),
    path("volunteer/welcome/", volunteers.welcome, name="volunteer_welcome"),
    path("volunteer/profile/", volunteers.complete, name="volunteer_complete"),
    path("volunteers/", volunteers.roster, name="volunteer_roster"),
    path("volunteers/<int:profile_id>/<str:move>/", volunteers.move, name="volunteer_move"),
    path("volunteer/nearby/", matching.nearby, name="volunteer_nearby"),
    path("volunteer/requests/<int:request_id>/claim/", matching.claim, name="volunteer_claim"),
    path("volunteer/tasks/", matching.tasks, name="volunteer_tasks"),
    path("volunteer/tasks/<int:request_id>/<str:step>/", matching.task_step,
         name="volunteer_task_step"),
    path("volunteer/day/", scheduling.my_day, name="volunteer_day"),
    path("volunteer/calendar/", scheduling.calendar_link, name="volunteer_calendar_link"),
    path("calendar/<str:token>.ics", scheduling.calendar_feed, name="volunteer_calendar_feed"),
    path("dispatch/<int:request_id>/plan/", scheduling.plan_day, name="dispatch_plan_day"),
    path("ask/day/", requests.choose_day, name="ask_choose_day"),
    path("dispatch/", dispatch.queue, name="dispatch_queue"),
    path("dispatch/<int:request_id>/", dispatch.request_page, name="dispatch_request"),
    path("dispatch/<int:request_id>/location/", dispatch.set_location,
         name="dispatch_location"),
    path("dispatch/<int:request_id>/close/<str:step>/", dispatch.close, name="dispatch_close"),
    path("dispatch/<int:request_id>/assign/", dispatch.assign, name="dispatch_assign"),
    path("dispatch/auto/", dispatch.auto_assign, name="dispatch_auto"),
    path("dispatch/new/", dispatch.log_request, name="dispatch_log"),
    path("dispatch/<int:request_id>/open/", dispatch.open_to_volunteers, name="dispatch_open"),
    path("accounts/security/", accounts.security, name="account_security"),
    path("documents/<int:document_id>/", documents.open_document, name="document_open"),
    path("documents/file/<str:token>/", document_files.serve, name="document_file"),
    path("vetting/", include("tenants.vetting.urls")),
    path("safeguarding/", include("tenants.safeguarding.urls")),
    path("records/", include("tenants.records.urls")),
    path("reports/", include("tenants.reports.urls")),
    path("team/", include("tenants.team.urls")),
    path("billing/", include("billing.urls_group")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", language.set_language, name="set_language"),
]
