"""Pages other sites may show in a frame. Every other page refuses to be framed
(`frame-ancestors 'none'` and `X-Frame-Options: DENY`, set in settings): only a view wrapped
in `embeddable` lifts both, for its own responses."""

from __future__ import annotations

from csp.decorators import csp_replace
from django.views.decorators.clickjacking import xframe_options_exempt

# Replaced, not added to: 'none' beside a source is contradictory. Scripts, styles and form
# targets stay our own: a framing site gains nothing else.
ANY_SITE = {"frame-ancestors": ["*"]}


def embeddable(view):
    """Let any site frame this view's pages. Keep such a page free of anything personal,
    of forms and of cookies: it is shown inside pages we do not control."""
    return xframe_options_exempt(csp_replace(ANY_SITE)(view))
