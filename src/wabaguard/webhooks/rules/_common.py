"""Helpers shared by the webhook rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wabaguard.core.findings import Confidence, Kind, Rule, Severity

if TYPE_CHECKING:
    from wabaguard.webhooks.model import Function

# How each framework verifies correctly, one line each (the rule pages show the code).
FRAMEWORK_FIX = {
    "flask": "hmac.new(secret, request.get_data(), hashlib.sha256) under hmac.compare_digest,"
    " abort(401) on mismatch",
    "fastapi": "await request.body() into hmac.new(..., hashlib.sha256), hmac.compare_digest,"
    " raise HTTPException(401)",
    "django": "hmac.new(secret, request.body, hashlib.sha256), hmac.compare_digest,"
    " return HttpResponseForbidden()",
    "aiohttp": "await request.read() into hmac.new(..., hashlib.sha256), hmac.compare_digest,"
    " raise web.HTTPUnauthorized()",
    "express": "express.raw({type: 'application/json'}) on the route, crypto.createHmac('sha256')"
    " over req.body, crypto.timingSafeEqual, res.sendStatus(401)",
    "fastify": "keep the raw body (addContentTypeParser with parseAs 'buffer' or fastify-raw-body),"
    " createHmac('sha256') + timingSafeEqual in a preHandler, reply.code(401)",
    "nextjs": "await req.text() (app router) or bodyParser: false + the raw stream (pages),"
    " createHmac('sha256') + timingSafeEqual, status 401",
    "nestjs": "NestFactory.create(AppModule, {rawBody: true}), req.rawBody in a guard,"
    " createHmac('sha256') + timingSafeEqual, throw new UnauthorizedException()",
    "node-http": "collect the request's chunks into a Buffer, createHmac('sha256') +"
    " timingSafeEqual, res.writeHead(401) and return",
    "laravel": "hash_hmac('sha256', $request->getContent(), $secret) with hash_equals, abort(401)",
    "php": "hash_hmac('sha256', file_get_contents('php://input'), $secret) with hash_equals,"
    " http_response_code(401); exit",
    "net/http": "io.ReadAll(r.Body), hmac.New(sha256.New, secret), hmac.Equal, http.Error(w, ...,"
    " http.StatusUnauthorized); return",
    "gin": "c.GetRawData(), hmac.New(sha256.New, secret), hmac.Equal,"
    " c.AbortWithStatus(http.StatusUnauthorized); return",
}


def rule(rule_id: str, title: str, severity: Severity, confidence: Confidence, fix: str) -> Rule:
    # Non-secret findings keyed by fingerprint, as workflow findings are (baselines, audit).
    return Rule(rule_id, title, severity, confidence, fix, kind=Kind.WORKFLOW)


def framework_of(fn: Function | None) -> str:
    if fn is None or fn.route is None:
        return ""
    return fn.route.framework


def fix_note(fn: Function | None) -> tuple[str, ...]:
    framework = framework_of(fn)
    if framework in FRAMEWORK_FIX:
        return (f"Fix for {framework}: {FRAMEWORK_FIX[framework]}",)
    return ()
