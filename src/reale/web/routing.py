"""The route table and the one wrapper every endpoint goes through: session, role, CSRF, form
parsing, errors. A page handler returns a :class:`Page` that is rendered as HTML or, on the same
path with ``.json``, as its JSON twin; an action returns a :class:`Done`.
"""

from __future__ import annotations

import hmac
import inspect
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote_to_bytes, urlencode, urlsplit

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from reale.desk.roles import Role, parse_role
from reale.errors import (
    ApprovalRequired,
    DeskError,
    DeskInputError,
    PublishError,
    QueryError,
    RealeError,
    StoreError,
    StoreUnavailable,
)
from reale.web.desk_words import desk_said
from reale.web.error_words import ERRORS, say, say_html
from reale.web.i18n import pick_language, translator
from reale.web.records import User
from reale.web.services import Services
from reale.web.sessions import COOKIE, LOGIN_CSRF_COOKIE, Session

_ENC = msgspec.json.Encoder()
_log = logging.getLogger("reale.web")


class HTTPProblem(Exception):
    """An error with an HTTP status, shown as an error page or JSON ``{"error": …}``. Given a
    ``key`` of :data:`reale.web.error_words.ERRORS` and its values (not a ``message``), it is
    said in the viewer's language; a bare message (a lower layer's words) stays English."""

    def __init__(self, status: int, message: str = "", *, key: str = "",
                 **values: object) -> None:
        message = message or say(key, "en", **values)
        super().__init__(message)
        self.status = status
        self.message = message
        self.key = key
        self.values = values

    def said(self, lang: str) -> tuple[str, str]:
        """The message in ``lang`` where the desk has it so, and the language it is in."""
        if self.key and lang != "en":
            return say(self.key, lang, **self.values), lang
        return desk_said(self.message, lang)

    def said_html(self, lang: str) -> tuple[str, str]:
        """:meth:`said` for a page: the desk's own words with every value escaped and what a
        network wrote marked with its language (a ``Markup``); a bare message stays text."""
        if self.key and lang != "en":
            return say_html(self.key, lang, **self.values), lang
        return self.said(lang)


@dataclass(frozen=True)
class Param:
    name: str
    where: str = "query"  # query, path or form
    help: str = ""
    required: bool = False


@dataclass
class Page:
    """A page: ``data`` is its JSON twin; ``view`` holds what only the HTML needs (charts)."""

    template: str
    data: dict[str, Any]
    title: str = ""
    view: dict[str, Any] = field(default_factory=dict)


@dataclass
class Done:
    redirect: str
    message: str = ""  # a key of done.* strings
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Ctx:
    """One request as a handler sees it."""

    request: Request
    services: Services
    user: User | None
    role: Role | None
    session: Session | None
    lang: str
    wants_json: bool
    form: dict[str, str] = field(default_factory=dict)

    @property
    def t(self) -> Callable[..., str]:
        return translator(self.lang)

    @property
    def now(self) -> float:
        return self.services.clock.now()

    def path(self, name: str) -> str:
        return str(self.request.path_params[name])

    def query(self, name: str, default: str = "") -> str:
        """A query parameter (its first 500 characters); given twice with different values it
        is a 400, never a silent choice of one of them."""
        values = self.request.query_params.getlist(name)
        if len(set(values)) > 1:
            raise HTTPProblem(400, key="err.repeated_param", name=name[:40], n=len(values))
        return (values[0] if values else default)[:500]

    def can(self, role: Role) -> bool:
        return self.role is not None and self.role.at_least(role)

    def require(self, role: Role) -> User:
        if self.user is None or not self.can(role):
            raise HTTPProblem(403, key="err.role", role=_role_words(role))
        return self.user


Handler = Callable[[Ctx], Any]


@dataclass(frozen=True)
class RouteSpec:
    """One documented endpoint (``kind``: page, action, api, stream, file, auth)."""

    path: str
    name: str
    handler: Handler
    summary: str
    methods: tuple[str, ...] = ("GET",)
    role: Role | None = Role.VIEWER
    kind: str = "page"
    twin: bool = False  # a page with a JSON twin at path + ".json"
    params: tuple[Param, ...] = ()
    tag: str = ""
    csrf: bool = True


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _session(request: Request, s: Services) -> tuple[Session | None, User | None, Role | None]:
    token = s.signer.unsign(request.cookies.get(COOKIE))
    if token is None:
        return None, None, None

    def load() -> tuple[Session | None, User | None, Role | None]:
        session = s.sessions.get(token)
        user = s.accounts.get(session.user) if session else None
        if session is None or user is None or user.disabled or not user.role:
            return None, None, None
        return session, user, parse_role(user.role)

    return await run_in_threadpool(load)


async def _form(request: Request, limit: int) -> dict[str, str]:
    if request.method in ("GET", "HEAD"):
        return {}
    body = await request.body()
    if len(body) > limit:
        raise HTTPProblem(413, key="err.body_too_large", limit=limit)
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    text = body.decode("utf-8", "replace")
    if kind == "application/json":
        try:
            return _json_form(text)
        except RecursionError:  # loads, the NUL scan and dumps all recurse into the value
            raise HTTPProblem(400, key="err.json_deep") from None
    if kind in ("application/x-www-form-urlencoded", ""):
        return dict(parse_qsl(text, keep_blank_values=True, max_num_fields=200))
    raise HTTPProblem(415, key="err.media_type")


def _json_form(text: str) -> dict[str, str]:
    """A JSON object body as form fields: nested values passed on as JSON text."""
    try:
        data = json.loads(text or "{}")
    except ValueError as exc:
        raise HTTPProblem(400, key="err.json_bad", reason=str(exc)) from None
    if not isinstance(data, dict):
        raise HTTPProblem(400, key="err.json_object")
    for k, v in data.items():  # nested values are passed on as JSON text, NULs escaped
        if not isinstance(v, str) and _nul_in(v):
            raise _nul_problem(str(k))
    form = {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
    try:  # "\ud800" parses to half a surrogate pair, which no store can hold
        "".join(f"{k}{v}" for k, v in form.items()).encode("utf-8")
    except UnicodeEncodeError:
        raise HTTPProblem(400, key="err.json_surrogate") from None
    return form


def _nul_in(value: Any) -> bool:
    """Whether a parsed value (JSON: any depth, keys included) holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_nul_in(k) or _nul_in(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_nul_in(v) for v in value)
    return False


def _nul_problem(name: str) -> HTTPProblem:
    where = (say("err.nul_where", "en", name=name), say("err.nul_where", "it", name=name)) \
        if name and not _nul_in(name) else ""
    return HTTPProblem(400, key="err.nul", where=where)


MAX_QUERY_BYTES = 8_192  # the desk's own links and forms use a few hundred


def refuse_bad_query(request: Request) -> None:
    """A query string the desk cannot read as a person meant it is refused with a clear 4xx
    before any handler sees it: over ``MAX_QUERY_BYTES`` (414), or bytes that are not UTF-8 once
    percent-decoded (400; they would otherwise turn silently into U+FFFD)."""
    raw: bytes = request.scope.get("query_string", b"")
    if len(raw) > MAX_QUERY_BYTES:
        raise HTTPProblem(414, key="err.query_long", n=(f"{len(raw):,}", f"{len(raw):_}".replace("_", ".")),
                          most=(f"{MAX_QUERY_BYTES:,}", f"{MAX_QUERY_BYTES:_}".replace("_", ".")))
    try:
        unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPProblem(400, key="err.query_utf8", byte=f"{exc.object[exc.start]:02x}") from None


def refuse_nul(request: Request, form: Mapping[str, str]) -> None:
    """A NUL character (``\\x00``) anywhere a person can type — the form or JSON body, the
    query string, the path — is refused at the edge with a 400: PostgreSQL cannot store it
    (it would fail later as a store error, 503), and no text a person means holds one."""
    places = [("", request.url.path), *request.query_params.multi_items(), *form.items()]
    for name, value in places:
        if _nul_in(name) or _nul_in(value):
            raise _nul_problem(name)


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin") or ""
    if not origin or origin == "null":
        return origin != "null"
    host = request.headers.get("host", "")
    return urlsplit(origin).netloc == host


def _csrf_ok(ctx: Ctx, spec: RouteSpec) -> bool:
    if ctx.request.method in ("GET", "HEAD") or not spec.csrf:
        return True
    sent = ctx.request.headers.get("x-csrf-token") or ctx.form.get("csrf", "")
    if spec.kind == "auth":
        expected = ctx.request.cookies.get(LOGIN_CSRF_COOKIE, "")
    else:
        expected = ctx.session.csrf if ctx.session else ""
    return bool(expected) and bool(sent) and hmac.compare_digest(str(sent), expected)


def wants_json(request: Request) -> bool:
    if request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    ctype = request.headers.get("content-type", "")
    return ("application/json" in accept and "text/html" not in accept) or \
        ctype.startswith("application/json")


def endpoint(spec: RouteSpec, s: Services, render: Callable[[Ctx, Page], Response],
             error: Callable[[Ctx, HTTPProblem], Response]) -> Callable[[Request], Awaitable[Response]]:
    """The Starlette endpoint of one route: checks, then the handler, then rendering."""

    async def run(request: Request) -> Response:
        session, user, role = await _session(request, s)
        lang = pick_language(user.lang if user else "", request.headers.get("accept-language"),
                             s.settings.default_language)
        ctx = Ctx(request=request, services=s, user=user, role=role, session=session, lang=lang,
                  wants_json=wants_json(request))
        try:
            return await _checked(ctx, spec, s, render)
        except HTTPProblem as exc:
            return error(ctx, exc)

    return run


def unmatched(s: Services, error: Callable[[Ctx, HTTPProblem], Response]
              ) -> Callable[[Request, Exception], Awaitable[Response]]:
    """Starlette's handler for a URL no route matches (404), a method a route does not take
    (405) or a failure nothing foresaw (500, the exception still goes to the server's log): the
    desk's own error page, HTML for a browser, JSON for ``.json``/``/api/`` paths."""

    async def run(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        try:
            session, user, role = await _session(request, s)
        except Exception:  # the failure may be the store's: the page is still said
            session, user, role = None, None, None
        lang = pick_language(user.lang if user else "", request.headers.get("accept-language"),
                             s.settings.default_language)
        json_ = wants_json(request) or request.url.path.startswith("/api/")
        ctx = Ctx(request=request, services=s, user=user, role=role, session=session, lang=lang,
                  wants_json=json_)
        path = request.url.path
        problem = (HTTPProblem(405, key="err.method", method=request.method, path=path)
                   if status == 405 else HTTPProblem(404, key="err.no_page", path=path)
                   if status == 404 else HTTPProblem(500, key="err.internal"))
        response = error(ctx, problem)
        response.headers.update(getattr(exc, "headers", None) or {})  # 405's Allow
        return response

    return run


async def _checked(ctx: Ctx, spec: RouteSpec, s: Services,
                   render: Callable[[Ctx, Page], Response]) -> Response:
    refuse_bad_query(ctx.request)
    if spec.role is not None and ctx.user is None:
        if ctx.wants_json or ctx.request.method != "GET" or spec.kind not in ("page", "file"):
            raise HTTPProblem(401, key="err.login_first")
        target = ctx.request.url.path + (f"?{ctx.request.url.query}" if ctx.request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
    if spec.role is not None and not ctx.can(spec.role):
        raise HTTPProblem(403, key="err.role", role=_role_words(spec.role))
    ctx.form = await _form(ctx.request, s.settings.max_form_bytes)
    refuse_nul(ctx.request, ctx.form)
    if ctx.request.method not in ("GET", "HEAD") and (not _same_origin(ctx.request)
                                                      or not _csrf_ok(ctx, spec)):
        raise HTTPProblem(403, key="err.csrf")
    try:
        result = await _call(spec.handler, ctx)
    except ApprovalRequired as exc:
        raise problem(403, exc) from None
    except DeskInputError as exc:  # what the person wrote: theirs to correct (400)
        raise problem(400, exc) from None
    except DeskError as exc:
        # a missing right (roles.require) is 403; a reply that has moved on ("cannot approve
        # reply …: it is approved (only a reply that is submitted can be)") is a conflict
        denied = exc.code in ("desk.not_on_team", "desk.role_low")
        raise problem(403 if denied else 409, exc) from None
    except PublishError as exc:
        raise problem(502, exc) from None
    except StoreError as exc:
        raise problem(503, exc) from None
    except RealeError as exc:
        raise problem(400, exc) from None
    return _respond(ctx, result, render)


def problem(status: int, exc: RealeError) -> HTTPProblem:
    """A lower layer's refusal as an :class:`HTTPProblem`: its English message as written, and,
    where it carries a code the desk has words for, said in the viewer's language from that
    code and its values (never by parsing the English). A watch-query's error says where it is;
    a store's failure is said in words, its technical detail logged."""
    if isinstance(exc, QueryError) and exc.code in ERRORS:
        return HTTPProblem(status, str(exc), key="q.at", position=exc.position,
                           error={"key": exc.code, **exc.values})
    if exc.code in ERRORS:
        return HTTPProblem(status, str(exc), key=exc.code, **exc.values)
    if isinstance(exc, StoreError):
        _log.warning("the store refused a request: %s", exc)
        busy = isinstance(exc, StoreUnavailable)
        return HTTPProblem(status, str(exc), key="err.store_busy" if busy else "err.store")
    return HTTPProblem(status, str(exc))


async def _call(handler: Handler, ctx: Ctx) -> Any:
    result = handler(ctx) if _is_async(handler) else await run_in_threadpool(handler, ctx)
    if hasattr(result, "__await__"):
        result = await result
    return result


def _is_async(handler: Handler) -> bool:
    return inspect.iscoroutinefunction(handler)


def _respond(ctx: Ctx, result: Any, render: Callable[[Ctx, Page], Response]) -> Response:
    if isinstance(result, Response):
        return result
    if isinstance(result, dict):
        return json_response(result)
    if isinstance(result, Page):
        if ctx.wants_json and ctx.request.method == "GET":
            return json_response(result.data)
        return render(ctx, result)
    if isinstance(result, Done):
        if ctx.wants_json:
            return json_response({"ok": True, "message": result.message, **result.data})
        sep = "&" if "?" in result.redirect else "?"
        url = result.redirect + (f"{sep}done={result.message}" if result.message else "")
        return RedirectResponse(url, status_code=303)
    raise TypeError(f"a handler returned {type(result).__name__}")


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None
                  ) -> Response:
    return Response(_ENC.encode(data), status_code=status, media_type="application/json",
                    headers=dict(headers or {}))


def error_json(exc: HTTPProblem, lang: str = "en") -> Response:
    """``{"error": …, "status": …}``: the error in ``lang`` where the desk has it so."""
    return JSONResponse({"error": exc.said(lang)[0], "status": exc.status},
                        status_code=exc.status)


def _role_words(role: Role) -> tuple[str, str]:
    """A role's name in English and in Italian, for a refusal's sentence."""
    return role.value, translator("it")(f"role.{role.value}")


def routes(specs: list[RouteSpec], s: Services, render: Callable[[Ctx, Page], Response],
           error: Callable[[Ctx, HTTPProblem], Response]) -> list[Route]:
    """Starlette routes for the table (each twin before its page, so ``.json`` wins)."""
    out: list[Route] = []
    for spec in specs:
        run = endpoint(spec, s, render, error)
        if spec.twin:
            out.append(Route(spec.path + ".json", run, methods=list(spec.methods),
                             name=spec.name + "_json"))
        out.append(Route(spec.path, run, methods=list(spec.methods), name=spec.name))
    return out


__all__ = ["MAX_QUERY_BYTES", "Ctx", "Done", "HTTPProblem", "Page", "Param", "RouteSpec",
           "error_json", "json_response", "problem", "refuse_bad_query", "routes", "unmatched",
           "wants_json"]
