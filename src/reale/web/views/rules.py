"""Alert rules in the desk: every rule in force (from reale.toml, edited in the desk, or made in the
desk) with where it came from, in the order that decides; an admin adds, edits, disables, enables,
reverts, deletes and moves rules up or down. Edits are stored in ``alert_rules`` (the order in
``alert_rule_order``); the running dispatcher takes them up within seconds.
"""

from __future__ import annotations

from typing import Any

from reale.alerts.config import AlertsConfig, RuleConfig
from reale.alerts.model import ALERT_KINDS, SEVERITIES
from reale.alerts.overlay import RuleView, moved, rule_from_form, views
from reale.alerts.rulestore import RuleStore
from reale.desk.roles import Role
from reale.web.error_words import say
from reale.web.i18n import STRINGS
from reale.web.routing import Ctx, Done, HTTPProblem, Page

_BOXES = (("channel:", "channels"), ("kind:", "kinds"), ("brand:", "brands"))
HISTORY = 30


def _config(ctx: Ctx) -> AlertsConfig:
    return ctx.services.alerts or AlertsConfig()


def _store(ctx: Ctx) -> RuleStore:
    return RuleStore(ctx.services.store)  # type: ignore[arg-type]  # the Store is its Database


def _rule_dict(v: RuleView) -> dict[str, Any]:
    r = v.rule
    return {"name": r.name, "source": v.source, "active": v.active, "disabled": v.disabled,
            "config_changed": v.config_changed, "problem": v.problem, "by": v.by, "at": v.at,
            "channels": list(r.channels), "brands": list(r.brands), "kinds": list(r.kinds),
            "min_severity": r.min_severity, "min_score": r.min_score,
            "quiet_hours": r.quiet_hours, "timezone": r.timezone,
            "urgent_severity": r.urgent_severity, "digest_minutes": r.digest_minutes,
            "digest_max_items": r.digest_max_items}


def _views(ctx: Ctx) -> list[RuleView]:
    """Every rule, in the order that decides (the desk's, if an admin arranged one)."""
    store = _store(ctx)
    return views(_config(ctx), store.edits(), store.order())


def rules(ctx: Ctx) -> Page:
    cfg, store = _config(ctx), _store(ctx)
    shown = _views(ctx)
    listed = [{**_rule_dict(v), "position": i} for i, v in enumerate(shown, start=1)]
    known = {c.name for c in cfg.channels}
    problems = {v.rule.name: say(v.problem_code, ctx.lang, channel=", ".join(
        c for c in v.rule.channels if c not in known)) for v in shown if v.problem_code}
    history = [{"name": e.name, "action": e.action, "by": e.by, "at": e.at}
               for e in store.history(HISTORY)]
    return Page("rules.html", {
        "rules": listed, "channels": [{"name": c.name, "kind": c.kind} for c in cfg.channels],
        "brands": ctx.services.brand_names(), "kinds": list(ALERT_KINDS),
        "severities": list(SEVERITIES), "timezone": cfg.timezone, "history": history,
        "admin": ctx.can(Role.ADMIN)}, title=ctx.t("rules.title"), view={
            "problems": problems, "said_actions": [k for k in STRINGS if k.startswith("rules.did.")]})


def _form(ctx: Ctx) -> dict[str, Any]:
    """The form with its checkboxes (``channel:ops=on``…) gathered into lists."""
    form: dict[str, Any] = dict(ctx.form)
    boxes = form.pop("boxes", "") == "1"  # the HTML form: an unticked group means none
    for prefix, key in _BOXES:
        ticked = [k[len(prefix):] for k in ctx.form if k.startswith(prefix)]
        if ticked or (boxes and key not in form):
            form[key] = ",".join(ticked)
    return form


def _current(ctx: Ctx, name: str) -> RuleView:
    found = next((v for v in _views(ctx) if v.rule.name == name), None)
    if found is None:
        raise HTTPProblem(404, key="err.no_rule", name=repr(name))
    return found


def _config_rule(ctx: Ctx, name: str) -> RuleConfig | None:
    return next((r for r in _config(ctx).rules if r.name == name), None)


def add(ctx: Ctx) -> Done:
    """An admin makes a new rule in the desk."""
    user = ctx.require(Role.ADMIN)
    name = ctx.form.get("name", "").strip()
    if _config_rule(ctx, name) is not None:
        raise HTTPProblem(409, key="err.rule_in_config", name=repr(name))
    rule = rule_from_form(_form(ctx), _config(ctx), ctx.services.brand_names(), name=name)
    # the name's check and the insert are one transaction: of two admins adding the same name
    # at once, one gets the rule and the other a 409 (DeskError), never a store error (503)
    _store(ctx).add(name, rule, by=user.name, at=ctx.now)
    return Done("/alerts/rules", "rule_saved", {"rule": name})


def edit(ctx: Ctx) -> Done:
    """An admin changes a rule; a config rule edited here overrides the config until reverted."""
    user = ctx.require(Role.ADMIN)
    name = ctx.path("name")
    now = _current(ctx, name)
    base = _config_rule(ctx, name)
    rule = rule_from_form(_form(ctx), _config(ctx), ctx.services.brand_names(), name=name,
                          base=now.rule)
    _store(ctx).put(name, "config" if base else "desk", rule, disabled=now.disabled, base=base,
                    by=user.name, at=ctx.now, action="edited")
    return Done("/alerts/rules", "rule_saved", {"rule": name})


def _switch(ctx: Ctx, disabled: bool) -> Done:
    user = ctx.require(Role.ADMIN)
    name = ctx.path("name")
    _current(ctx, name)
    store, base = _store(ctx), _config_rule(ctx, name)
    edit_ = store.get(name)
    action = "disabled" if disabled else "enabled"
    if edit_ is not None and edit_.rule is None and not disabled:
        store.remove(name, by=user.name, at=ctx.now, action=action)  # back to the config as is
    else:
        kept = edit_.base if edit_ is not None and edit_.base else base  # keep what was edited
        store.put(name, edit_.origin if edit_ else "config", edit_.rule if edit_ else None,
                  disabled=disabled, base=kept, by=user.name, at=ctx.now, action=action)
    return Done("/alerts/rules", "rule_" + action, {"rule": name, "disabled": disabled})


def disable(ctx: Ctx) -> Done:
    """An admin stops a rule routing alerts (kept, and listed, until enabled again)."""
    return _switch(ctx, True)


def enable(ctx: Ctx) -> Done:
    return _switch(ctx, False)


def revert(ctx: Ctx) -> Done:
    """An admin drops the desk's edit of a config rule: the config's rule is in force again."""
    user = ctx.require(Role.ADMIN)
    name = ctx.path("name")
    if _config_rule(ctx, name) is None and (e := _store(ctx).get(name)) is not None \
            and e.origin == "desk":
        raise HTTPProblem(409, key="err.rule_from_desk", name=repr(name))
    _store(ctx).remove(name, by=user.name, at=ctx.now, action="reverted")
    return Done("/alerts/rules", "rule_reverted", {"rule": name})


def _move(ctx: Ctx, step: int) -> Done:
    user = ctx.require(Role.ADMIN)
    name = ctx.path("name")
    names = [v.rule.name for v in _views(ctx)]
    if name not in names:
        raise HTTPProblem(404, key="err.no_rule", name=repr(name))
    action = "moved up" if step < 0 else "moved down"
    _store(ctx).reorder(moved(names, name, step), moved=name, action=action, by=user.name,
                        at=ctx.now)
    return Done("/alerts/rules", "rule_moved", {"rule": name, "position":
                                                moved(names, name, step).index(name) + 1})


def up(ctx: Ctx) -> Done:
    """An admin moves a rule one place up: it is tried before the rule that was above it (for a
    channel both send to, the first rule taking an alert decides how it goes there)."""
    return _move(ctx, -1)


def down(ctx: Ctx) -> Done:
    """An admin moves a rule one place down."""
    return _move(ctx, +1)


def delete(ctx: Ctx) -> Done:
    """An admin deletes a rule made in the desk (a config rule is disabled, not deleted)."""
    user = ctx.require(Role.ADMIN)
    name = ctx.path("name")
    if _config_rule(ctx, name) is not None:
        raise HTTPProblem(409, key="err.rule_from_config", name=repr(name))
    edit_ = _store(ctx).get(name)
    if edit_ is None:
        raise HTTPProblem(404, key="err.no_rule", name=repr(name))
    _store(ctx).remove(name, by=user.name, at=ctx.now, action="deleted")
    return Done("/alerts/rules", "rule_deleted", {"rule": name})


__all__ = ["add", "delete", "disable", "down", "edit", "enable", "revert", "rules", "up"]
