# ruff: noqa: E501 (the templates are source files in other languages, written as people write them)
"""The recommended handler of each framework, and the single mistakes made from it.

``make_webhook_fixtures.py`` writes, for every template, the correct file (``<name>.ok.<ext>``) and
one file per mistake (``<name>.<mistake>.<ext>``): the template with one small, realistic
edit, annotated where the finding must be. Hand-written shapes (helpers, decorators,
middleware, near misses) live beside them in ``tests/fixtures/webhooks/shapes/``.

Each template marks its lines with tags in comments that the generator strips:
``@handler`` (where the handler is declared), ``@verify`` (the lines that verify, removed
for "not-verified"), ``@compare``, ``@mac``, ``@header``, ``@reject`` (the statement that
rejects a bad signature).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    name: str  # framework, also the fixture's stem
    ext: str
    comment: str  # "#" or "//"
    source: str
    unsafe_compare: tuple[str, str]  # (safe text, timing-unsafe text) on the @compare line
    parsed_body: tuple[tuple[str, str], ...]  # replacements: raw body -> re-serialised
    sha1: tuple[tuple[str, str], ...]  # replacements for the SHA-1 variant (@mac, @header)
    log_instead: str  # what replaces the @reject statement in "not-rejected"


FLASK = Template(
    "flask",
    "py",
    "#",
    """import hashlib
import hmac
import os

from flask import Flask, abort, request

app = Flask(__name__)


@app.route("/webhook", methods=["GET"])
def subscribe():
    if request.args.get("hub.verify_token") == os.environ["WHATSAPP_VERIFY_TOKEN"]:
        return request.args.get("hub.challenge", ""), 200
    return "forbidden", 403


@app.route("/webhook", methods=["POST"])
def receive():  # @handler
    signature = request.headers.get("X-Hub-Signature-256", "")  # @verify @header
    digest = hmac.new(  # @verify @mac
        os.environ["WHATSAPP_APP_SECRET"].encode(), request.get_data(), hashlib.sha256  # @verify
    ).hexdigest()  # @verify
    if not hmac.compare_digest(signature, "sha256=" + digest):  # @verify @compare
        abort(401)  # @verify @reject
    payload = request.get_json()
    for entry in payload.get("entry", []):
        for change in entry.get("changes", []):
            handle(change["value"].get("messages", []))
    return "ok", 200


def handle(messages):
    for message in messages:
        print(message.get("from"))
""",
    ('not hmac.compare_digest(signature, "sha256=" + digest)', 'signature != "sha256=" + digest'),
    (("request.get_data()", "json.dumps(request.get_json()).encode()"),),
    (
        ("hashlib.sha256", "hashlib.sha1"),
        ("X-Hub-Signature-256", "X-Hub-Signature"),
        ('"sha256="', '"sha1="'),
    ),
    'app.logger.warning("invalid signature")',
)

FASTAPI = Template(
    "fastapi",
    "py",
    "#",
    """import hashlib
import hmac
import os

from fastapi import FastAPI, HTTPException, Query, Request

app = FastAPI()


@app.get("/webhook")
async def subscribe(
    mode: str = Query(alias="hub.mode"),
    token: str = Query(alias="hub.verify_token"),
    challenge: str = Query(alias="hub.challenge"),
):
    if mode == "subscribe" and token == os.environ["WHATSAPP_VERIFY_TOKEN"]:
        return int(challenge)
    raise HTTPException(status_code=403)


@app.post("/webhook")
async def receive(request: Request):  # @handler
    body = await request.body()
    signature = request.headers.get("x-hub-signature-256", "")  # @verify @header
    secret = os.environ["WHATSAPP_APP_SECRET"].encode()  # @verify
    expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()  # @verify @mac
    if not hmac.compare_digest(expected, signature):  # @verify @compare
        raise HTTPException(status_code=401, detail="invalid signature")  # @verify @reject
    payload = await request.json()
    for entry in payload["entry"]:
        for change in entry["changes"]:
            print(change["value"].get("statuses"))
    return {"ok": True}
""",
    ("not hmac.compare_digest(expected, signature)", "expected != signature"),
    (("hmac.new(secret, body,", "hmac.new(secret, json.dumps(await request.json()).encode(),"),),
    (
        ("hashlib.sha256", "hashlib.sha1"),
        ("x-hub-signature-256", "x-hub-signature"),
        ('"sha256="', '"sha1="'),
    ),
    'print("invalid signature")',
)

DJANGO = Template(
    "django",
    "py",
    "#",
    """import hashlib
import hmac
import json

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def whatsapp_webhook(request):  # @handler
    if request.method == "GET":
        if request.GET.get("hub.verify_token") == settings.WHATSAPP_VERIFY_TOKEN:
            return HttpResponse(request.GET.get("hub.challenge"))
        return HttpResponseForbidden()
    signature = request.META.get("HTTP_X_HUB_SIGNATURE_256", "")  # @verify @header
    key = settings.WHATSAPP_APP_SECRET.encode()  # @verify
    expected = "sha256=" + hmac.new(key, request.body, hashlib.sha256).hexdigest()  # @verify @mac
    if not hmac.compare_digest(expected, signature):  # @verify @compare
        return HttpResponseForbidden("invalid signature")  # @verify @reject
    data = json.loads(request.body)
    for entry in data["entry"]:
        for change in entry["changes"]:
            print(change["value"])
    return HttpResponse("ok")
""",
    ("not hmac.compare_digest(expected, signature)", "expected != signature"),
    (("request.body, hashlib", "json.dumps(json.loads(request.body)).encode(), hashlib"),),
    (
        ("hashlib.sha256", "hashlib.sha1"),
        ("HTTP_X_HUB_SIGNATURE_256", "HTTP_X_HUB_SIGNATURE"),
        ('"sha256="', '"sha1="'),
    ),
    'print("invalid signature")',
)

AIOHTTP = Template(
    "aiohttp",
    "py",
    "#",
    """import hashlib
import hmac
import os

from aiohttp import web


async def receive(request):  # @handler
    raw = await request.read()
    signature = request.headers.get("X-Hub-Signature-256", "")  # @verify @header
    secret = os.environ["WHATSAPP_APP_SECRET"].encode()  # @verify
    expected = "sha256=" + hmac.new(secret, raw, hashlib.sha256).hexdigest()  # @verify @mac
    if not hmac.compare_digest(signature, expected):  # @verify @compare
        raise web.HTTPUnauthorized()  # @verify @reject
    payload = await request.json()
    for entry in payload["entry"]:
        for change in entry["changes"]:
            print(change["value"].get("messages"))
    return web.Response(text="ok")


async def subscribe(request):
    if request.query.get("hub.verify_token") == os.environ["WHATSAPP_VERIFY_TOKEN"]:
        return web.Response(text=request.query.get("hub.challenge", ""))
    raise web.HTTPForbidden()


app = web.Application()
app.router.add_get("/webhook", subscribe)
app.router.add_post("/webhook", receive)
""",
    ("not hmac.compare_digest(signature, expected)", "signature != expected"),
    (("hmac.new(secret, raw,", "hmac.new(secret, json.dumps(await request.json()).encode(),"),),
    (
        ("hashlib.sha256", "hashlib.sha1"),
        ("X-Hub-Signature-256", "X-Hub-Signature"),
        ('"sha256="', '"sha1="'),
    ),
    'print("invalid signature")',
)

EXPRESS = Template(
    "express",
    "js",
    "//",
    """const crypto = require('crypto');
const express = require('express');

const app = express();

app.get('/webhook', (req, res) => {
  if (req.query['hub.mode'] === 'subscribe' && req.query['hub.verify_token'] === process.env.VERIFY_TOKEN) {
    return res.status(200).send(req.query['hub.challenge']);
  }
  return res.sendStatus(403);
});

app.post('/webhook', express.raw({ type: 'application/json' }), (req, res) => { // @handler
  const signature = req.get('x-hub-signature-256') || ''; // @verify @header
  const expected = 'sha256=' + crypto.createHmac('sha256', process.env.APP_SECRET) // @verify @mac
    .update(req.body) // @verify
    .digest('hex'); // @verify
  const a = Buffer.from(signature); // @verify
  const b = Buffer.from(expected); // @verify
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) { // @verify @compare
    return res.sendStatus(401); // @verify @reject
  } // @verify
  const payload = JSON.parse(req.body.toString('utf8'));
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      console.log(change.value.messages);
    }
  }
  return res.sendStatus(200);
});

app.listen(3000);
""",
    ("a.length !== b.length || !crypto.timingSafeEqual(a, b)", "signature !== expected"),
    (
        ("express.raw({ type: 'application/json' })", "express.json()"),
        (".update(req.body)", ".update(JSON.stringify(req.body))"),
    ),
    (
        ("'sha256', process", "'sha1', process"),
        ("x-hub-signature-256", "x-hub-signature"),
        ("'sha256='", "'sha1='"),
    ),
    "console.warn('invalid signature');",
)

NEXT_APP = Template(
    "nextjs-app",
    "ts",
    "//",
    """import { createHmac, timingSafeEqual } from 'node:crypto';
import { NextRequest, NextResponse } from 'next/server';

export async function GET(req: NextRequest) {
  const params = req.nextUrl.searchParams;
  if (params.get('hub.verify_token') === process.env.WHATSAPP_VERIFY_TOKEN) {
    return new NextResponse(params.get('hub.challenge'));
  }
  return new NextResponse('forbidden', { status: 403 });
}

export async function POST(req: NextRequest) { // @handler
  const raw = await req.text();
  const signature = req.headers.get('x-hub-signature-256') ?? ''; // @verify @header
  const digest = createHmac('sha256', process.env.WHATSAPP_APP_SECRET!).update(raw).digest('hex'); // @verify @mac
  const expected = Buffer.from(`sha256=${digest}`); // @verify
  const received = Buffer.from(signature); // @verify
  if (expected.length !== received.length || !timingSafeEqual(expected, received)) { // @verify @compare
    return NextResponse.json({ error: 'invalid signature' }, { status: 401 }); // @verify @reject
  } // @verify
  const body = JSON.parse(raw);
  const messages = body.entry?.[0]?.changes?.[0]?.value?.messages ?? [];
  for (const message of messages) {
    console.log(message.from);
  }
  return NextResponse.json({ ok: true });
}
""",
    (
        "expected.length !== received.length || !timingSafeEqual(expected, received)",
        "signature !== `sha256=${digest}`",
    ),
    ((".update(raw)", ".update(JSON.stringify(JSON.parse(raw)))"),),
    (
        ("'sha256', process", "'sha1', process"),
        ("x-hub-signature-256", "x-hub-signature"),
        ("`sha256=${digest}`", "`sha1=${digest}`"),
    ),
    "console.warn('invalid signature');",
)

NEXT_PAGES = Template(
    "nextjs-pages",
    "js",
    "//",
    """import crypto from 'crypto';
import getRawBody from 'raw-body';

export const config = { api: { bodyParser: false } };

export default async function handler(req, res) { // @handler
  if (req.method === 'GET') {
    if (req.query['hub.verify_token'] === process.env.VERIFY_TOKEN) {
      return res.status(200).send(req.query['hub.challenge']);
    }
    return res.status(403).end();
  }
  const raw = await getRawBody(req);
  const signature = req.headers['x-hub-signature-256'] || ''; // @verify @header
  const expected = 'sha256=' + crypto.createHmac('sha256', process.env.APP_SECRET).update(raw).digest('hex'); // @verify @mac
  if (signature.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) { // @verify @compare
    return res.status(401).json({ error: 'invalid signature' }); // @verify @reject
  } // @verify
  const body = JSON.parse(raw.toString());
  for (const entry of body.entry) {
    for (const change of entry.changes) {
      console.log(change.value.statuses);
    }
  }
  return res.status(200).end();
}
""",
    (
        "signature.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(signature), "
        "Buffer.from(expected))",
        "signature !== expected",
    ),
    ((".update(raw)", ".update(JSON.stringify(req.body))"),),
    (
        ("'sha256', process", "'sha1', process"),
        ("x-hub-signature-256", "x-hub-signature"),
        ("'sha256='", "'sha1='"),
    ),
    "console.warn('invalid signature');",
)

FASTIFY = Template(
    "fastify",
    "js",
    "//",
    """const crypto = require('crypto');
const fastify = require('fastify')({ logger: true });

fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
  done(null, body);
});

fastify.get('/webhook', async (request, reply) => {
  if (request.query['hub.verify_token'] !== process.env.VERIFY_TOKEN) {
    return reply.code(403).send();
  }
  return request.query['hub.challenge'];
});

fastify.post('/webhook', async (request, reply) => { // @handler
  const signature = request.headers['x-hub-signature-256'] || ''; // @verify @header
  const expected = 'sha256=' + crypto.createHmac('sha256', process.env.APP_SECRET).update(request.body).digest('hex'); // @verify @mac
  const ok = signature.length === expected.length && crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected)); // @verify
  if (!ok) { // @verify @compare
    return reply.code(401).send({ error: 'invalid signature' }); // @verify @reject
  } // @verify
  const payload = JSON.parse(request.body.toString());
  for (const entry of payload.entry) {
    for (const change of entry.changes) {
      request.log.info(change.value.messages);
    }
  }
  return { ok: true };
});

fastify.listen({ port: 3000 });
""",
    ("if (!ok) {", "if (signature !== expected) {"),
    ((".update(request.body)", ".update(JSON.stringify(JSON.parse(request.body.toString())))"),),
    (
        ("'sha256', process", "'sha1', process"),
        ("x-hub-signature-256", "x-hub-signature"),
        ("'sha256='", "'sha1='"),
    ),
    "request.log.warn('invalid signature');",
)

NESTJS = Template(
    "nestjs",
    "ts",
    "//",
    """import { Body, Controller, Get, Headers, HttpCode, Post, Query, RawBodyRequest, Req, UnauthorizedException } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'crypto';
import { Request } from 'express';

@Controller('webhook')
export class WebhookController {
  @Get()
  subscribe(@Query('hub.verify_token') token: string, @Query('hub.challenge') challenge: string) {
    if (token !== process.env.WHATSAPP_VERIFY_TOKEN) {
      throw new UnauthorizedException();
    }
    return challenge;
  }

  @Post()
  @HttpCode(200)
  receive( // @handler
    @Req() req: RawBodyRequest<Request>,
    @Headers('x-hub-signature-256') signature: string, // @verify @header
    @Body() body: any,
  ) {
    const expected = 'sha256=' + createHmac('sha256', process.env.WHATSAPP_APP_SECRET).update(req.rawBody).digest('hex'); // @verify @mac
    const given = Buffer.from(signature ?? ''); // @verify
    if (given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))) { // @verify @compare
      throw new UnauthorizedException('invalid signature'); // @verify @reject
    } // @verify
    for (const entry of body.entry) {
      for (const change of entry.changes) {
        console.log(change.value.messages);
      }
    }
  }
}
""",
    (
        "given.length !== expected.length || !timingSafeEqual(given, Buffer.from(expected))",
        "signature !== expected",
    ),
    ((".update(req.rawBody)", ".update(JSON.stringify(body))"),),
    (
        ("'sha256', process", "'sha1', process"),
        ("x-hub-signature-256", "x-hub-signature"),
        ("'sha256='", "'sha1='"),
    ),
    "console.warn('invalid signature');",
)

NODE_HTTP = Template(
    "node-http",
    "js",
    "//",
    """const crypto = require('crypto');
const http = require('http');

const server = http.createServer((req, res) => { // @handler
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const signature = req.headers['x-hub-signature-256'] || ''; // @verify @header
    const expected = 'sha256=' + crypto.createHmac('sha256', process.env.APP_SECRET).update(raw).digest('hex'); // @verify @mac
    if (signature.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) { // @verify @compare
      res.writeHead(401); // @verify
      return res.end(); // @verify @reject
    } // @verify
    const payload = JSON.parse(raw);
    for (const entry of payload.entry) {
      for (const change of entry.changes) {
        console.log(change.value.messages);
      }
    }
    res.writeHead(200);
    res.end();
  });
});

server.listen(8080);
""",
    (
        "signature.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(signature), "
        "Buffer.from(expected))",
        "signature !== expected",
    ),
    ((".update(raw)", ".update(JSON.stringify(JSON.parse(raw)))"),),
    (
        ("'sha256', process", "'sha1', process"),
        ("x-hub-signature-256", "x-hub-signature"),
        ("'sha256='", "'sha1='"),
    ),
    "console.warn('invalid signature');",
)

LARAVEL = Template(
    "laravel",
    "php",
    "//",
    """<?php

namespace App\\Http\\Controllers;

use Illuminate\\Http\\Request;
use Illuminate\\Support\\Facades\\Log;

class WhatsAppWebhookController extends Controller
{
    public function verify(Request $request)
    {
        if ($request->query('hub_verify_token') === config('services.whatsapp.verify_token')) {
            return response($request->query('hub_challenge'), 200);
        }
        return response('forbidden', 403);
    }

    public function receive(Request $request) // @handler
    {
        $signature = $request->header('X-Hub-Signature-256', ''); // @verify @header
        $expected = 'sha256=' . hash_hmac('sha256', $request->getContent(), config('services.whatsapp.app_secret')); // @verify @mac
        if (!hash_equals($expected, $signature)) { // @verify @compare
            abort(401, 'invalid signature'); // @verify @reject
        } // @verify
        foreach ($request->input('entry', []) as $entry) {
            foreach ($entry['changes'] as $change) {
                Log::info('message', $change['value']);
            }
        }
        return response()->json(['ok' => true]);
    }
}
""",
    ("!hash_equals($expected, $signature)", "$expected !== $signature"),
    (("$request->getContent()", "json_encode($request->all())"),),
    (
        ("hash_hmac('sha256'", "hash_hmac('sha1'"),
        ("X-Hub-Signature-256", "X-Hub-Signature"),
        ("'sha256='", "'sha1='"),
    ),
    "Log::warning('invalid signature');",
)

PLAIN_PHP = Template(
    "php",
    "php",
    "//",
    """<?php
// webhook.php: Meta calls this URL for the WhatsApp Business Account.
if ($_SERVER['REQUEST_METHOD'] === 'GET') {
    if (($_GET['hub_verify_token'] ?? '') === getenv('WHATSAPP_VERIFY_TOKEN')) {
        echo $_GET['hub_challenge'];
        exit;
    }
    http_response_code(403);
    exit;
}

$payload = file_get_contents('php://input'); // @handler
$signature = $_SERVER['HTTP_X_HUB_SIGNATURE_256'] ?? ''; // @verify @header
$expected = 'sha256=' . hash_hmac('sha256', $payload, getenv('WHATSAPP_APP_SECRET')); // @verify @mac
if (!hash_equals($expected, $signature)) { // @verify @compare
    http_response_code(401); // @verify
    exit; // @verify @reject
} // @verify

$data = json_decode($payload, true);
foreach ($data['entry'] as $entry) {
    foreach ($entry['changes'] as $change) {
        error_log(json_encode($change['value']));
    }
}
http_response_code(200);
""",
    ("!hash_equals($expected, $signature)", "strcmp($expected, $signature) !== 0"),
    (
        (
            "hash_hmac('sha256', $payload,",
            "hash_hmac('sha256', json_encode(json_decode($payload, true)),",
        ),
    ),
    (
        ("hash_hmac('sha256'", "hash_hmac('sha1'"),
        ("HTTP_X_HUB_SIGNATURE_256", "HTTP_X_HUB_SIGNATURE"),
        ("'sha256='", "'sha1='"),
    ),
    "error_log('invalid signature');",
)

GO = Template(
    "net-http",
    "go",
    "//",
    """package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"os"
)

type Payload struct {
	Entry []struct {
		Changes []struct {
			Value json.RawMessage `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

func webhook(w http.ResponseWriter, r *http.Request) { // @handler
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		if q.Get("hub.verify_token") != os.Getenv("WHATSAPP_VERIFY_TOKEN") {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		io.WriteString(w, q.Get("hub.challenge"))
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	mac := hmac.New(sha256.New, []byte(os.Getenv("WHATSAPP_APP_SECRET"))) // @verify @mac
	mac.Write(body) // @verify
	expected := "sha256=" + hex.EncodeToString(mac.Sum(nil)) // @verify
	if !hmac.Equal([]byte(expected), []byte(r.Header.Get("X-Hub-Signature-256"))) { // @verify @compare @header
		http.Error(w, "invalid signature", http.StatusUnauthorized) // @verify
		return // @verify @reject
	} // @verify
	var payload Payload
	if err := json.Unmarshal(body, &payload); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	for _, entry := range payload.Entry {
		for _, change := range entry.Changes {
			log.Printf("value: %s", change.Value)
		}
	}
	w.WriteHeader(http.StatusOK)
}

func main() {
	http.HandleFunc("/webhook", webhook)
	log.Fatal(http.ListenAndServe(":8080", nil))
}
""",
    (
        '!hmac.Equal([]byte(expected), []byte(r.Header.Get("X-Hub-Signature-256")))',
        'expected != r.Header.Get("X-Hub-Signature-256")',
    ),
    (
        ("mac.Write(body)", "mac.Write(reencoded)"),
        (
            "\tmac := hmac.New",
            "\treencoded, _ := json.Marshal(json.RawMessage(body))\n\tmac := hmac.New",
        ),
    ),
    (
        ("sha256.New", "sha1.New"),
        ("X-Hub-Signature-256", "X-Hub-Signature"),
        ('"sha256="', '"sha1="'),
        ('"crypto/sha256"', '"crypto/sha1"'),
    ),
    'log.Print("invalid signature")',
)

TEMPLATES = (
    FLASK, FASTAPI, DJANGO, AIOHTTP, EXPRESS, NEXT_APP, NEXT_PAGES, FASTIFY, NESTJS, NODE_HTTP,
    LARAVEL, PLAIN_PHP, GO,
)  # fmt: skip
