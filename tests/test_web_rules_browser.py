"""The Rules page in a real browser (Debian's chromium driven by Playwright): an admin opens a
config rule, moves it to another channel with a lower score, saves, and the page shows the rule
as edited in the desk. Screenshotted into docs/screenshots/rules.png."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from reale.web.serving import serving
from tests.browser_helpers import CHROMIUM, chromium
from tests.conftest import ROOT
from tests.test_web_rules import alerts_config
from tests.web_helpers import PASSWORD, build_desk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (pip install playwright)")


@pytest.fixture
def page() -> Iterator[Any]:
    with chromium() as browser:
        yield browser.new_context(viewport={"width": 1280, "height": 900},
                                  locale="en-US").new_page()


def test_an_admin_moves_a_config_rule_to_another_channel_in_the_browser(page: Any) -> None:
    desk = build_desk(seeded=False, alerts=alerts_config())
    with serving(desk.app) as base:
        page.goto(base + "/login?next=/alerts/rules")
        page.fill("input[name=user]", "ada")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/alerts/rules")
        row = page.locator("tr[data-rule=opps]")
        assert row.get_attribute("data-source") == "config"
        page.click("text=Edit opps")
        form = page.locator("form[action='/alerts/rules/opps']")
        form.locator("input[name='channel:other']").uncheck()
        form.locator("input[name='channel:hook']").check()
        form.locator("input[name=min_score]").fill("0.5")
        form.locator("button[type=submit]").click()
        page.wait_for_url("**/alerts/rules?done=rule_saved")
        assert "Rule saved" in page.locator("[role=status]").inner_text()
        row = page.locator("tr[data-rule=opps]")
        assert row.get_attribute("data-source") == "config, edited in the desk"
        assert "hook" in row.inner_text() and "0.5" in row.inner_text()
        assert page.locator("form[action='/alerts/rules/opps/revert']").count() == 1
        shots = ROOT / "docs" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "rules.png"), full_page=True)


def test_an_admin_reorders_the_rules_in_the_browser_with_javascript_off() -> None:
    desk = build_desk(seeded=False, alerts=alerts_config())
    with chromium() as browser, serving(desk.app) as base:
        page = browser.new_context(java_script_enabled=False, locale="en-US").new_page()
        page.goto(base + "/login?next=/alerts/rules")
        page.fill("input[name=user]", "ada")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/alerts/rules")
        order = lambda: page.eval_on_selector_all(  # noqa: E731
            "tr[data-rule]", "rows => rows.map(r => r.dataset.rule)")
        assert order() == ["opps", "moments"]
        page.click("button[aria-label='Move down opps']")
        page.wait_for_url("**/alerts/rules?done=rule_moved")
        assert order() == ["moments", "opps"]
        assert "Rule moved" in page.locator("[role=status]").inner_text()
