"""``wabaguard demo``: build a small leaky WhatsApp integration in a temporary directory and
scan it, so a new user sees real findings without writing (or committing) a credential.

The fake credentials follow the documented formats and are generated here at run time; the
repository itself holds no token-shaped literal.
"""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

import click

from wabaguard.cli._common import FORMATS, finish

FAKE_APP_ID = 123456789012345


def _meta_token() -> str:
    raw = FAKE_APP_ID.to_bytes(8, "big") + b"\x01" + secrets.token_bytes(140)
    b64 = base64.b64encode(raw).decode("ascii").replace("Z", "ZC")
    return "E" + b64.replace("+", "ZA").replace("/", "ZB").replace("=", "ZD")


def write_sample(root: Path) -> None:
    """A webhook service with a hardcoded token and a deploy workflow that leaks secrets."""
    app_secret = secrets.token_hex(16)
    (root / "app").mkdir()
    (root / "app" / "settings.py").write_text(
        "import os\n\n"
        'PHONE_NUMBER_ID = "106540352242922"  # an id, not a secret\n'
        f'WHATSAPP_TOKEN = "{_meta_token()}"\n'
        f'META_APP_SECRET = "{app_secret}"\n'
        'VERIFY_TOKEN = os.environ["WHATSAPP_VERIFY_TOKEN"]  # the right way\n',
        encoding="utf-8",
    )
    (root / ".env.example").write_text(
        "WHATSAPP_TOKEN=your-token-here\nD360_API_KEY=<your 360dialog key>\n", encoding="utf-8"
    )
    workflows = root / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "deploy.yml").write_text(
        "name: deploy\n"
        "on: push\n"
        "permissions: {}\n"
        "jobs:\n"
        "  notify:\n"
        "    runs-on: ubuntu-latest\n"
        "    env:\n"
        "      WA_TOKEN: ${{ secrets.WHATSAPP_TOKEN }}\n"
        "    steps:\n"
        "      - name: Send a deploy message\n"
        "        run: |\n"
        "          set -x\n"
        '          curl -v -H "Authorization: Bearer ${{ secrets.WHATSAPP_TOKEN }}" \\\n'
        "            https://graph.facebook.com/v21.0/106540352242922/messages\n"
        '          echo "token is $WA_TOKEN"\n',
        encoding="utf-8",
    )


@click.command("demo")
@click.option(
    "-f", "--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True
)
def demo(fmt: str) -> int:
    """Scan a generated sample WhatsApp integration (fake credentials) to see wabaguard work."""
    import tempfile

    from wabaguard.cli.demo import write_sample
    from wabaguard.cli.scan import run_scan
    from wabaguard.core.config import Config

    with tempfile.TemporaryDirectory(prefix="wabaguard-demo-") as tmp:
        write_sample(Path(tmp))
        click.echo(f"wabaguard demo: scanning a generated sample project in {tmp}\n", err=True)
        result = run_scan(["."], Config(), cwd=tmp)
        rc = finish(result, Config(), fmt, None, [])
    return rc
