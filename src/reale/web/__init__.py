"""Reale's web desk: live feed, opportunity queue, brand pages, moments, case histories,
settings and reports, each page with a JSON twin; accounts, roles and CSRF; live updates over SSE.

    app = create_app(store, workflow=workflow, hub=hub, brands=config.brands)
    hub.publish("mention", mention)      # the runner feeds the live page
"""

from reale.web.app import create_app
from reale.web.hub import LiveHub
from reale.web.settings import WebSettings, web_settings

__all__ = ["LiveHub", "WebSettings", "create_app", "web_settings"]
