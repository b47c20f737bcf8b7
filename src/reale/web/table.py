"""The route table: every endpoint of the desk, its role, its parameters and what it does. The
Starlette routes and the OpenAPI document are both generated from it (a test checks that every
route the app serves is documented).
"""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from reale.desk.roles import Role
from reale.web.routing import Ctx, Param, RouteSpec
from reale.web.views import (
    alerts,
    auth,
    brands,
    case,
    live,
    moments,
    queue,
    replies,
    reports,
    rules,
    settings,
)

V, R, A, ADMIN = Role.VIEWER, Role.RESPONDER, Role.APPROVER, Role.ADMIN
BRAND = Param("brand", help="only this brand (a brand the desk does not know is a 404)")
PERIOD = Param("period", help="day, week (default) or month")
SPAN = (Param("from", help="first day, YYYY-MM-DD (default: 6 days ago)"),
        Param("to", help="last day, YYYY-MM-DD (default: today)"), BRAND)
REPORT_LANG = Param("lang", help="language of the reasons, en or it (default: the reader's "
                    "interface language)")
KEY = Param("key", "path", "the opportunity's key", True)
REPLY = Param("reply_id", "path", "the reply's id", True)
TEXT = Param("text", "form", "the reply's text")
COMMENT = Param("comment", "form", "a comment recorded with the decision")
RULE = Param("name", "path", "the rule's name", True)
RULE_FIELDS = (
    Param("channels", "form", "configured channel names, comma-separated (or a JSON list)"),
    Param("brands", "form", "brand names, comma-separated, or * for every brand"),
    Param("kinds", "form", "opportunity, moment, backlash, sla, source (comma-separated)"),
    Param("min_severity", "form", "low, medium, high or urgent"),
    Param("min_score", "form", "0 to 1: opportunities scoring less are not sent (empty: any)"),
    Param("quiet_hours", "form", "HH:MM-HH:MM, e.g. 22:00-07:00 (empty: none)"),
    Param("timezone", "form", "IANA zone of the quiet hours (empty: [alerts] timezone)"),
    Param("urgent_severity", "form", "this severity and above go through quiet hours and digests"),
    Param("digest_minutes", "form", "0 (off) to 1440: one message every N minutes"),
)


def home(ctx: Ctx) -> Response:
    return RedirectResponse("/live", status_code=303)


def health(ctx: Ctx) -> dict[str, object]:
    stats = ctx.services.hub.stats
    out: dict[str, object] = {"ok": True, "live_clients": stats.clients,
                              "published": stats.published, "dropped": stats.dropped}
    follower = ctx.services.follower
    if follower is not None:  # counters only: error texts are not for an anonymous endpoint
        f = follower.stats
        out["follow"] = {"polls": f.polls, "published": f.published, "capped": f.capped,
                         "errors": f.errors}
    return out


def _reply_action(path: str, name: str, handler: object, summary: str, role: Role,
                  params: tuple[Param, ...] = ()) -> RouteSpec:
    return RouteSpec(f"/replies/{{reply_id}}/{path}", name, handler,  # type: ignore[arg-type]
                     summary, ("POST",), role, "action", params=(REPLY, *params), tag="replies")


SPECS: list[RouteSpec] = [
    RouteSpec("/", "home", home, "Go to the live page.", role=None, kind="page", tag="pages"),
    RouteSpec("/healthz", "health", health, "Liveness and live-feed counters.", role=None,
              kind="api", tag="api"),
    RouteSpec("/login", "login_form", auth.login_form, "The sign-in page (its JSON twin gives "
              "the login CSRF token and sets its cookie).", role=None, kind="auth", twin=True,
              params=(Param("next", help="where to go after signing in"),), tag="auth"),
    RouteSpec("/login", "login", auth.login, "Sign in (form or JSON: user, password, csrf).",
              ("POST",), None, "auth", params=(Param("user", "form", required=True),
                                                Param("password", "form", required=True),
                                                Param("next", "form")), tag="auth"),
    RouteSpec("/logout", "logout", auth.logout, "Sign out.", ("POST",), V, "action", tag="auth"),
    RouteSpec("/me.json", "me", auth.me, "Who is signed in, their role and CSRF token.", role=V,
              kind="api", tag="auth"),
    RouteSpec("/me/language", "language", settings.set_language, "Set your interface language.",
              ("POST",), V, "action", params=(Param("lang", "form", "en or it", True),),
              tag="auth"),
    RouteSpec("/live", "live", live.live, "Mentions as they arrive.", twin=True, tag="pages",
              params=(BRAND, Param("kind", help="mention, opportunity, moment or an intent"),
                      Param("lang", help="language code"),
                      Param("sentiment", help="positive, neutral, negative or mixed"))),
    RouteSpec("/live/stream", "live_stream", live.stream, "Server-sent events: batches "
              "{events, dropped} of new mentions, opportunities and moments.", kind="stream",
              params=(BRAND, Param("kind"), Param("lang"), Param("sentiment")), tag="pages"),
    RouteSpec("/alerts", "alerts", alerts.alerts, "The alert outbox: dead-lettered, pending and "
              "held deliveries with their last error (state=all for every one).", twin=True,
              params=(BRAND, Param("state", help="dead, pending, held, sent, digested or all")),
              tag="pages"),
    RouteSpec("/alerts/rules", "alert_rules", rules.rules, "Alert rules in force, each with "
              "where it came from (reale.toml, edited in the desk, made in the desk), and the "
              "latest changes.", twin=True, tag="pages"),
    RouteSpec("/alerts/rules", "alert_rule_add", rules.add, "Make a new alert rule (admin): "
              "name, channels, brands, kinds, min_severity, min_score, quiet_hours, timezone, "
              "urgent_severity, digest_minutes.", ("POST",), ADMIN, "action",
              params=(Param("name", "form", "the rule's name", True), *RULE_FIELDS),
              tag="alerts"),
    RouteSpec("/alerts/rules/{name}", "alert_rule_edit", rules.edit, "Change an alert rule "
              "(admin); fields left out keep their value. A config rule edited here overrides "
              "reale.toml until reverted.", ("POST",), ADMIN, "action",
              params=(RULE, *RULE_FIELDS), tag="alerts"),
    RouteSpec("/alerts/rules/{name}/disable", "alert_rule_disable", rules.disable, "Stop a rule "
              "routing alerts (admin).", ("POST",), ADMIN, "action", params=(RULE,),
              tag="alerts"),
    RouteSpec("/alerts/rules/{name}/enable", "alert_rule_enable", rules.enable, "Let a disabled "
              "rule route alerts again (admin).", ("POST",), ADMIN, "action", params=(RULE,),
              tag="alerts"),
    RouteSpec("/alerts/rules/{name}/revert", "alert_rule_revert", rules.revert, "Drop the desk's "
              "edit of a config rule: reale.toml's rule is in force again (admin).", ("POST",),
              ADMIN, "action", params=(RULE,), tag="alerts"),
    RouteSpec("/alerts/rules/{name}/delete", "alert_rule_delete", rules.delete, "Delete a rule "
              "made in the desk (admin).", ("POST",), ADMIN, "action", params=(RULE,),
              tag="alerts"),
    RouteSpec("/alerts/rules/{name}/up", "alert_rule_up", rules.up, "Move a rule one place up "
              "(admin): rules are tried in order, and for a channel the first rule that takes "
              "an alert decides how it goes there.", ("POST",), ADMIN, "action", params=(RULE,),
              tag="alerts"),
    RouteSpec("/alerts/rules/{name}/down", "alert_rule_down", rules.down, "Move a rule one "
              "place down (admin).", ("POST",), ADMIN, "action", params=(RULE,), tag="alerts"),
    RouteSpec("/alerts/{delivery}/retry", "alert_retry", alerts.retry, "Send a dead (or "
              "pending) alert delivery again from its first try (admin).", ("POST",), ADMIN,
              "action", params=(Param("delivery", "path", "the delivery's number", True),),
              tag="alerts"),
    RouteSpec("/queue", "queue", queue.queue, "Open opportunities, most pressing first.",
              twin=True, params=(BRAND,), tag="pages"),
    RouteSpec("/queue/{key}", "opportunity", queue.opportunity, "One opportunity: the post, its "
              "reasons, realness, signals, conversation, drafts and reply.", twin=True,
              params=(KEY,), tag="pages"),
    RouteSpec("/queue/{key}/compose", "compose", replies.compose, "Write the reply: action save "
              "or submit (responder), send = approve and send (approver).", ("POST",), R,
              "action", params=(KEY, TEXT, Param("action", "form", "save, submit or send"),
                                Param("reply_id", "form", "the reply being edited"),
                                Param("last_reply", "form", "the newest reply the page showed "
                                      "(a new reply is refused, 409, when one was written since)"),
                                Param("another", "form", "1: knowingly a further reply to an "
                                      "opportunity already answered (else 409)")),
              tag="replies"),
    RouteSpec("/queue/{key}/dismiss", "dismiss", queue.dismiss, "Dismiss: reason irrelevant or "
              "not_worth.", ("POST",), R, "action",
              params=(KEY, Param("reason", "form", "irrelevant or not_worth", True), COMMENT),
              tag="replies"),
    _reply_action("submit", "submit", replies.submit, "Submit a reply for approval.", R),
    _reply_action("approve", "approve", replies.approve, "Approve a submitted reply.", A,
                  (COMMENT,)),
    _reply_action("send", "send", replies.send, "Approve and send (or send an approved reply); "
                  "dry run unless a network account is configured.", A),
    _reply_action("send-back", "send_back", replies.send_back, "Send a reply back with a "
                  "comment.", A, (Param("comment", "form", "what should change", True),)),
    _reply_action("withdraw", "withdraw", replies.withdraw, "Withdraw a reply.", R, (COMMENT,)),
    RouteSpec("/case/{key}", "case", case.case, "An opportunity's whole story.", twin=True,
              params=(KEY,), tag="pages"),
    RouteSpec("/case/{key}/export.html", "case_html", case.export_html, "The case history as "
              "a self-contained HTML file.", kind="file", params=(KEY,), tag="exports"),
    RouteSpec("/case/{key}/export.pdf", "case_pdf", case.export_pdf, "The case history as PDF.",
              kind="file", params=(KEY,), tag="exports"),
    RouteSpec("/case/{key}/export.json", "case_json", case.export_json, "The case history as a "
              "JSON file.", kind="file", params=(KEY,), tag="exports"),
    RouteSpec("/brands", "brands", brands.brands, "Every brand at a glance.", twin=True,
              params=(PERIOD,), tag="pages"),
    RouteSpec("/brands/{name}", "brand", brands.brand, "One brand: volume, sentiment, intents, "
              "share of voice, top authors, moments.", twin=True,
              params=(Param("name", "path", "the brand", True), PERIOD), tag="pages"),
    RouteSpec("/moments", "moments", moments.moments, "Bursts with their safety read.",
              twin=True, params=(PERIOD, Param("scope", help="a brand, or * (whole stream); an unknown brand is a 404")),
              tag="pages"),
    RouteSpec("/reports", "reports", reports.reports, "Exports of a period.", twin=True,
              params=SPAN, tag="pages"),
    RouteSpec("/reports/mentions.csv", "mentions_csv", reports.mentions_csv, "Mentions as CSV.",
              kind="file", params=SPAN, tag="exports"),
    RouteSpec("/reports/mentions.json", "mentions_json", reports.mentions_json,
              "Mentions as JSON.", kind="file", params=SPAN, tag="exports"),
    RouteSpec("/reports/opportunities.csv", "opportunities_csv", reports.opportunities_csv,
              "Opportunities as CSV.", kind="file", params=(*SPAN, REPORT_LANG), tag="exports"),
    RouteSpec("/reports/opportunities.json", "opportunities_json", reports.opportunities_json,
              "Opportunities as JSON.", kind="file", params=(*SPAN, REPORT_LANG),
              tag="exports"),
    RouteSpec("/settings", "settings", settings.settings, "Brands, watch-queries, team, "
              "network accounts.", twin=True, tag="pages"),
    RouteSpec("/settings/preview", "preview", settings.preview, "What a watch-query would have "
              "caught in the last hour (JSON).", ("POST",), V, "api",
              params=(Param("query", "form", required=True), Param("brand", "form")),
              tag="settings"),
    RouteSpec("/settings/queries", "add_query", settings.add_query, "Add a watch-query to a "
              "brand.", ("POST",), ADMIN, "action",
              params=(Param("brand", "form", required=True), Param("query", "form", required=True)),
              tag="settings"),
    RouteSpec("/settings/queries/{query_id}/delete", "remove_query", settings.remove_query,
              "Remove a watch-query added from the desk.", ("POST",), ADMIN, "action",
              params=(Param("query_id", "path", required=True),), tag="settings"),
    RouteSpec("/settings/users", "add_user", settings.add_user, "Add a person to the team.",
              ("POST",), ADMIN, "action",
              params=(Param("name", "form", "1-64 letters, digits, '.', '_', '@' or '-' "
                            "(else 400)", True),
                      Param("password", "form", "8 to 1,024 characters (else 400)", True),
                      Param("role", "form", "viewer, responder, approver or admin (else 400)",
                            True),
                      Param("lang", "form")), tag="settings"),
    RouteSpec("/settings/users/{name}", "change_user", settings.change_user, "Change a "
              "person's role, or disable / enable their account.", ("POST",), ADMIN, "action",
              params=(Param("name", "path", required=True),
                      Param("role", "form", "viewer, responder, approver or admin (else 400)"),
                      Param("disabled", "form", "1 to disable, 0 to enable")), tag="settings"),
]

__all__ = ["SPECS"]
