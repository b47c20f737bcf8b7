"""Reale's web desk: live feed, opportunity queue, brand pages, moments, case histories,
settings and reports, each page with a JSON twin; accounts, roles and CSRF; live updates over SSE.

    app = create_app(store, workflow=workflow, hub=hub, brands=config.brands)
    hub.publish("mention", mention)      # the runner feeds the live page
    with following(StoreFollower(store, hub)):  # or: a desk that does not write follows the store
        ...
"""

from reale.web.app import create_app
from reale.web.follow import StoreFollower, following
from reale.web.hub import LiveHub
from reale.web.settings import WebSettings, web_settings

__all__ = ["LiveHub", "StoreFollower", "WebSettings", "create_app", "following", "web_settings"]
