"""Verifiers imported from another module of the scanned tree are read, not trusted by name
(issue 17): small multi-file repositories scanned through the CLI."""

from __future__ import annotations

import textwrap
from pathlib import Path

HANDLER = textwrap.dedent(
    """\
    from flask import Flask, abort, request

    {imports}

    app = Flask(__name__)


    @app.route("/webhook", methods=["POST"])
    def webhook():
        if not {call}(request):
            abort(401)
        for entry in request.get_json()["entry"]:
            print(entry["changes"][0]["value"]["messages"])
        return "ok"
    """
)
CALL_LINE = 10  # the `if not verify_signature(request):` line above

CORRECT = textwrap.dedent(
    """\
    import hashlib
    import hmac
    import os


    def verify_signature(request):
        received = request.headers.get("X-Hub-Signature-256", "")
        return hmac.compare_digest(received, "sha256=" + _digest(request.get_data()))


    def _digest(body):
        key = os.environ["WHATSAPP_APP_SECRET"].encode()
        return hmac.new(key, body, hashlib.sha256).hexdigest()
    """
)
STUB = textwrap.dedent(
    """\
    def verify_signature(request):
        # TODO: check X-Hub-Signature-256
        return True
    """
)
EQUALS = CORRECT.replace(
    'return hmac.compare_digest(received, "sha256=" + _digest(request.get_data()))',
    'return received == "sha256=" + _digest(request.get_data())',
)


def _repo(root: Path, helper: str, imports: str, call: str = "verify_signature") -> None:
    (root / "app").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "security.py").write_text(helper)
    (root / "app" / "webhook.py").write_text(HANDLER.format(imports=imports, call=call))


def _webhook_findings(run_cli, root: Path) -> list[dict[str, object]]:
    result = run_cli("scan", ".", "--format", "json", cwd=root)
    assert result.code in (0, 1), result.err
    found = result.json()["findings"]
    return [f for f in found if str(f["rule"]).startswith("webhook-")]


def test_an_imported_correct_helper_is_verification(run_cli, tmp_path: Path) -> None:
    for n, imports in enumerate(
        (
            "from .security import verify_signature",
            "from app.security import verify_signature",
            "from app.security import verify_signature as check_sig",
        )
    ):
        root = tmp_path / str(n)
        call = "check_sig" if "as" in imports else "verify_signature"
        _repo(root, CORRECT, imports, call)
        assert _webhook_findings(run_cli, root) == [], imports


def test_an_imported_stub_is_not_verification(run_cli, tmp_path: Path) -> None:
    for n, (imports, call) in enumerate(
        (
            ("from .security import verify_signature", "verify_signature"),
            ("from app.security import verify_signature", "verify_signature"),
            ("import app.security", "app.security.verify_signature"),
            ("from app import security", "security.verify_signature"),
        )
    ):
        root = tmp_path / str(n)
        _repo(root, STUB, imports, call)
        [finding] = _webhook_findings(run_cli, root)
        assert finding["rule"] == "webhook-signature-not-verified", imports
        assert finding["path"] == "app/webhook.py"
        assert any("app/security.py:1" in note for note in finding["notes"]), finding["notes"]


def test_an_imported_equals_compare_is_timing_unsafe_at_the_call(run_cli, tmp_path: Path) -> None:
    _repo(tmp_path, EQUALS, "from .security import verify_signature")
    found = _webhook_findings(run_cli, tmp_path)
    here = [f for f in found if f["path"] == "app/webhook.py"]
    [finding] = here
    assert finding["rule"] == "webhook-signature-timing-unsafe"
    assert finding["line"] == CALL_LINE
    assert any("app/security.py:6" in note for note in finding["notes"]), finding["notes"]


def test_an_unresolvable_import_keeps_the_benefit_of_the_doubt(run_cli, tmp_path: Path) -> None:
    for n, imports in enumerate(
        (
            "from wa_security import verify_signature",  # not in the tree (installed?)
            "from .missing import verify_signature",
        )
    ):
        root = tmp_path / str(n)
        _repo(root, STUB, imports)
        assert _webhook_findings(run_cli, root) == [], imports


def test_an_import_outside_the_tree_is_not_read(run_cli, tmp_path: Path) -> None:
    # The stub sits beside the scanned tree: `from ..security` resolves there, and a scan
    # never reads outside its tree.
    (tmp_path / "security.py").write_text(STUB)
    root = tmp_path / "service"
    root.mkdir()
    (root / "webhook.py").write_text(
        HANDLER.format(imports="from ..security import verify_signature", call="verify_signature")
    )
    assert _webhook_findings(run_cli, root) == []
    # The same stub inside the tree is read: the import alone decides.
    (root / "security.py").write_text(STUB)
    (root / "webhook.py").write_text(
        HANDLER.format(imports="from .security import verify_signature", call="verify_signature")
    )
    [finding] = _webhook_findings(run_cli, root)
    assert finding["rule"] == "webhook-signature-not-verified"


# -- JavaScript / TypeScript: relative imports ----------------------------------------------

SERVER = textwrap.dedent(
    """\
    const express = require('express');
    {imports}

    const app = express();

    app.post('/webhook', express.raw({{ type: 'application/json' }}), {use}, (req, res) => {{
      const payload = JSON.parse(req.body.toString('utf8'));
      for (const entry of payload.entry) {{
        for (const change of entry.changes) {{
          console.log(change.value.messages);
        }}
      }}
      return res.sendStatus(200);
    }});

    app.listen(3000);
    """
)
SERVER_USE_LINE = 6

MIDDLEWARE = textwrap.dedent(
    """\
    const crypto = require('crypto');

    function verifySignature(req, res, next) {
      const signature = req.get('x-hub-signature-256') || '';
      const digest = crypto.createHmac('sha256', process.env.APP_SECRET).update(req.body);
      const expected = 'sha256=' + digest.digest('hex');
      const a = Buffer.from(signature);
      const b = Buffer.from(expected);
      if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
        return res.sendStatus(401);
      }
      return next();
    }

    module.exports = { verifySignature };
    """
)
MIDDLEWARE_STUB = "function verifySignature(req, res, next) {\n  return next();\n}\n"
MIDDLEWARE_EQUALS = MIDDLEWARE.replace(
    "a.length !== b.length || !crypto.timingSafeEqual(a, b)", "signature !== expected"
)


def _script_repo(root: Path, helper: str, imports: str, use: str = "verifySignature") -> None:
    (root / "lib").mkdir(parents=True)
    (root / "lib" / "security.js").write_text(helper)
    (root / "server.js").write_text(SERVER.format(imports=imports, use=use))


def test_an_imported_correct_middleware_is_verification(run_cli, tmp_path: Path) -> None:
    for n, (imports, use) in enumerate(
        (
            ("const { verifySignature } = require('./lib/security');", "verifySignature"),
            ("const security = require('./lib/security.js');", "security.verifySignature"),
            ("import { verifySignature as checkSig } from './lib/security';", "checkSig"),
        )
    ):
        root = tmp_path / str(n)
        _script_repo(root, MIDDLEWARE, imports, use)
        assert _webhook_findings(run_cli, root) == [], imports


def test_an_imported_stub_middleware_is_not_verification(run_cli, tmp_path: Path) -> None:
    for n, (imports, use) in enumerate(
        (
            ("const { verifySignature } = require('./lib/security');", "verifySignature"),
            ("const security = require('./lib/security.js');", "security.verifySignature"),
            ("import { verifySignature as checkSig } from './lib/security';", "checkSig"),
            ("import * as security from './lib/security';", "security.verifySignature"),
        )
    ):
        root = tmp_path / str(n)
        _script_repo(root, MIDDLEWARE_STUB, imports, use)
        [finding] = _webhook_findings(run_cli, root)
        assert finding["rule"] == "webhook-signature-not-verified", imports
        assert any("lib/security.js:1" in note for note in finding["notes"]), finding["notes"]


def test_an_imported_strict_inequality_is_timing_unsafe_at_the_use(run_cli, tmp_path: Path) -> None:
    _script_repo(tmp_path, MIDDLEWARE_EQUALS, "import { verifySignature } from './lib/security';")
    found = _webhook_findings(run_cli, tmp_path)
    [finding] = [f for f in found if f["path"] == "server.js"]
    assert finding["rule"] == "webhook-signature-timing-unsafe"
    assert finding["line"] == SERVER_USE_LINE
    assert any("lib/security.js:3" in note for note in finding["notes"]), finding["notes"]


def test_script_packages_and_modules_outside_the_tree_are_not_read(run_cli, tmp_path: Path) -> None:
    root = tmp_path / "service"
    _script_repo(root, MIDDLEWARE_STUB, "const { verifySignature } = require('wa-security');")
    assert _webhook_findings(run_cli, root) == []  # a package: the benefit of the doubt
    (tmp_path / "security.js").write_text(MIDDLEWARE_STUB)
    (root / "server.js").write_text(
        SERVER.format(
            imports="const { verifySignature } = require('../security');", use="verifySignature"
        )
    )
    assert _webhook_findings(run_cli, root) == []  # outside the scanned tree: not read
