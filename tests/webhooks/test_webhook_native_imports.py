"""PHP and Go verifiers in other files of the scanned tree are read, not trusted by name
(issue 17): Go's same-package files and module-local packages, PHP includes and PSR-4
classes, each scanned through the CLI as a small repository."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent.parent / "fixtures" / "webhooks" / "generated"


def _go_handler(imports: str, call: str) -> str:
    """The net/http fixture that verifies nothing, with a call to ``call`` after the body
    is read (and ``imports`` added)."""
    text = (FIXTURES / "net-http.not-verified.go").read_text()
    text = text.replace("import (\n", "import (\n" + imports, 1)
    anchor = "\tvar payload Payload\n"
    assert anchor in text
    check = (
        f"\tif !{call}(r, body) {{\n"
        '\t\thttp.Error(w, "no", http.StatusUnauthorized)\n\t\treturn\n\t}\n'
    )
    return text.replace(anchor, check + anchor, 1)


def _php_handler(imports: str, call: str) -> str:
    text = (FIXTURES / "php.not-verified.php").read_text()
    text = text.replace("<?php\n", "<?php\n" + imports + "\n", 1)
    anchor = "$data = json_decode("
    assert anchor in text
    check = f"if (!{call}($payload)) {{\n    http_response_code(401);\n    exit;\n}}\n"
    return text.replace(anchor, check + anchor, 1)


GO_CORRECT = textwrap.dedent(
    """\
    package {package}

    import (
    \t"crypto/hmac"
    \t"crypto/sha256"
    \t"encoding/hex"
    \t"net/http"
    \t"os"
    )

    func {name}(r *http.Request, body []byte) bool {{
    \tmac := hmac.New(sha256.New, []byte(os.Getenv("WHATSAPP_APP_SECRET")))
    \tmac.Write(body)
    \texpected := "sha256=" + hex.EncodeToString(mac.Sum(nil))
    \treturn hmac.Equal([]byte(expected), []byte(r.Header.Get("X-Hub-Signature-256")))
    }}
    """
)
GO_STUB = textwrap.dedent(
    """\
    package {package}

    import "net/http"

    func {name}(r *http.Request, body []byte) bool {{
    \t// TODO: check X-Hub-Signature-256
    \treturn true
    }}
    """
)

PHP_CORRECT_BODY = """\
    $signature = $_SERVER['HTTP_X_HUB_SIGNATURE_256'] ?? '';
    $expected = 'sha256=' . hash_hmac('sha256', $payload, getenv('WHATSAPP_APP_SECRET'));
    return hash_equals($expected, $signature);
"""
PHP_STUB_BODY = """\
    // TODO: check X-Hub-Signature-256
    return true;
"""


def _findings(run_cli, root: Path) -> list[dict[str, object]]:
    result = run_cli("scan", ".", "--format", "json", "--min-confidence", "low", cwd=root)
    assert result.code in (0, 1), result.err
    return [f for f in result.json()["findings"] if str(f["rule"]).startswith("webhook-")]


def _go_same_package(root: Path, helper: str) -> None:
    (root / "main.go").write_text(_go_handler("", "verifySignature"))
    (root / "security.go").write_text(helper.format(package="main", name="verifySignature"))


def _go_module(root: Path, helper: str) -> None:
    (root / "go.mod").write_text("module example.com/wa\n\ngo 1.22\n")
    (root / "cmd" / "server").mkdir(parents=True)
    (root / "internal" / "sig").mkdir(parents=True)
    imports = '\t"example.com/wa/internal/sig"\n'
    (root / "cmd" / "server" / "main.go").write_text(_go_handler(imports, "sig.VerifySignature"))
    (root / "internal" / "sig" / "sig.go").write_text(
        helper.format(package="sig", name="VerifySignature")
    )


def _php_require(root: Path, body: str) -> None:
    (root / "lib").mkdir()
    (root / "lib" / "security.php").write_text(
        "<?php\nfunction verify_signature($payload) {\n" + body + "}\n"
    )
    (root / "webhook.php").write_text(
        _php_handler("require_once __DIR__ . '/lib/security.php';", "verify_signature")
    )


def _php_psr4(root: Path, body: str) -> None:
    (root / "composer.json").write_text(json.dumps({"autoload": {"psr-4": {"App\\": "src/"}}}))
    (root / "src" / "Security").mkdir(parents=True)
    (root / "src" / "Security" / "Signature.php").write_text(
        "<?php\nnamespace App\\Security;\n\nclass Signature\n{\n"
        "    public static function verify($payload)\n    {\n"
        + textwrap.indent(body, "    ")
        + "    }\n}\n"
    )
    (root / "public").mkdir()
    (root / "public" / "webhook.php").write_text(
        _php_handler("use App\\Security\\Signature;", "Signature::verify")
    )


SHAPES = {
    "go-same-package": (_go_same_package, GO_CORRECT, GO_STUB),
    "go-module-package": (_go_module, GO_CORRECT, GO_STUB),
    "php-require": (_php_require, PHP_CORRECT_BODY, PHP_STUB_BODY),
    "php-psr4-class": (_php_psr4, PHP_CORRECT_BODY, PHP_STUB_BODY),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_correct_helper_in_another_file_is_verification(
    run_cli, tmp_path: Path, shape: str
) -> None:
    build, correct, _ = SHAPES[shape]
    build(tmp_path, correct)
    assert _findings(run_cli, tmp_path) == []


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_stub_helper_in_another_file_is_not_verification(
    run_cli, tmp_path: Path, shape: str
) -> None:
    build, _, stub = SHAPES[shape]
    build(tmp_path, stub)
    rules = [f["rule"] for f in _findings(run_cli, tmp_path)]
    assert rules == ["webhook-signature-not-verified"], rules


def test_a_go_file_of_another_package_is_not_read(run_cli, tmp_path: Path) -> None:
    # Same directory, other package (a build-tagged tool, say): not reachable by name, so
    # the helper keeps the benefit of the doubt instead of being read from the wrong file.
    (tmp_path / "main.go").write_text(_go_handler("", "verifySignature"))
    (tmp_path / "tool.go").write_text(GO_STUB.format(package="tool", name="verifySignature"))
    assert _findings(run_cli, tmp_path) == []


def test_a_php_include_outside_the_tree_is_not_read(run_cli, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (tmp_path / "security.php").write_text(
        "<?php\nfunction verify_signature($payload) {\n" + PHP_STUB_BODY + "}\n"
    )
    (root / "webhook.php").write_text(
        _php_handler("require_once __DIR__ . '/../security.php';", "verify_signature")
    )
    assert _findings(run_cli, root) == []


def test_a_class_outside_the_psr4_map_keeps_the_benefit_of_the_doubt(
    run_cli, tmp_path: Path
) -> None:
    _php_psr4(tmp_path, PHP_STUB_BODY)
    (tmp_path / "composer.json").write_text(
        json.dumps({"autoload": {"psr-4": {"Other\\": "src/"}}})
    )
    assert _findings(run_cli, tmp_path) == []
