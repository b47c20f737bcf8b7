"""The OpenAPI 3.1 document of the desk, generated from the route table (pages, their JSON twins,
actions, exports, the live stream), with the session cookie and CSRF header as security schemes.
"""

from __future__ import annotations

import re
from typing import Any

from reale.web.routing import Param, RouteSpec

_PATH_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")
MEDIA = {"page": "text/html", "stream": "text/event-stream", "file": "application/octet-stream",
         "api": "application/json", "action": "application/json", "auth": "text/html"}
FILE_MEDIA = {".csv": "text/csv", ".json": "application/json", ".pdf": "application/pdf",
              ".html": "text/html"}


def _parameters(spec: RouteSpec) -> list[dict[str, Any]]:
    out = []
    for p in spec.params:
        if p.where in ("query", "path"):
            out.append({"name": p.name, "in": p.where, "required": p.where == "path" or p.required,
                        "description": p.help, "schema": {"type": "string"}})
    return out


def _body(params: tuple[Param, ...]) -> dict[str, Any] | None:
    fields = [p for p in params if p.where == "form"]
    schema: dict[str, Any] = {"type": "object",
              "properties": {p.name: {"type": "string", "description": p.help} for p in fields},
              "required": [p.name for p in fields if p.required]}
    schema["properties"]["csrf"] = {"type": "string", "description": "CSRF token (or send the "
                                    "X-CSRF-Token header)"}
    return {"content": {"application/x-www-form-urlencoded": {"schema": schema},
                        "application/json": {"schema": schema}}}


def _responses(spec: RouteSpec, media: str) -> dict[str, Any]:
    out: dict[str, Any] = {"200": {"description": "OK", "content": {media: {}}}}
    if spec.kind in ("action", "auth") and "POST" in spec.methods:
        out["303"] = {"description": "Done; redirects to the page that shows the result "
                      "(send Accept: application/json for a JSON answer)"}
    if spec.role is not None:
        out["401"] = {"description": "Not signed in"}
        out["403"] = {"description": f"Needs the {spec.role.value} role, or a valid CSRF token"}
    return out


def _operation(spec: RouteSpec, method: str, media: str, twin: bool) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": f"{spec.name}{'_json' if twin else ''}_{method.lower()}",
        "summary": spec.summary + (" (JSON twin)" if twin else ""),
        "tags": [spec.tag or spec.kind],
        "parameters": _parameters(spec),
        "responses": _responses(spec, media),
        "x-reale-role": spec.role.value if spec.role else "public",
    }
    if method != "GET":
        op["requestBody"] = _body(spec.params)
    if spec.role is not None:
        op["security"] = [{"session": [], "csrf": []}] if method != "GET" else [{"session": []}]
    return op


def _media(spec: RouteSpec) -> str:
    if spec.kind == "file":
        for suffix, media in FILE_MEDIA.items():
            if spec.path.endswith(suffix):
                return media
    return MEDIA.get(spec.kind, "application/json")


def openapi(specs: list[RouteSpec], *, version: str) -> dict[str, Any]:
    """The document: one path item per route (and per JSON twin)."""
    paths: dict[str, dict[str, Any]] = {}
    for spec in specs:
        path = _PATH_PARAM.sub(r"{\1}", spec.path)
        for method in spec.methods:
            paths.setdefault(path, {})[method.lower()] = _operation(spec, method, _media(spec), False)
            if spec.twin:
                paths.setdefault(path + ".json", {})[method.lower()] = _operation(
                    spec, method, "application/json", True)
    paths["/static/{path}"] = {"get": {
        "operationId": "static_get", "summary": "The desk's own CSS, JavaScript and favicon.",
        "tags": ["static"], "x-reale-role": "public",
        "parameters": [{"name": "path", "in": "path", "required": True,
                        "schema": {"type": "string"}}],
        "responses": {"200": {"description": "OK"}}}}
    paths["/favicon.ico"] = {"get": {
        "operationId": "favicon_get", "summary": "A redirect to the favicon, /static/favicon.svg.",
        "tags": ["static"], "x-reale-role": "public",
        "responses": {"308": {"description": "Permanent Redirect"}}}}
    paths["/openapi.json"] = {"get": {
        "operationId": "openapi_get", "summary": "This document.", "tags": ["api"],
        "x-reale-role": "public", "responses": {"200": {"description": "OK",
                                                        "content": {"application/json": {}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Reale desk", "version": version,
                 "description": "The web desk of Reale. Every page has a JSON twin (the same path "
                                "with .json). State-changing requests need the session cookie "
                                "and the CSRF token (GET /me.json)."},
        "paths": paths,
        "components": {"securitySchemes": {
            "session": {"type": "apiKey", "in": "cookie", "name": "reale_session"},
            "csrf": {"type": "apiKey", "in": "header", "name": "X-CSRF-Token"}}},
    }


__all__ = ["openapi"]
