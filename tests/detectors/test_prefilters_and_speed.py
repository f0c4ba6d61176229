"""Prefilters are proven supersets; every detector stays linear on pathological lines."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from detector_helpers import place
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import fakes
from complexity import CPU_LIMIT, cpu_seconds, growth
from wabaguard.credentials.detectors import all_detectors
from wabaguard.credentials.detectors.base import Detector, LineContext

# An account SID for the templates, built at run time.
_SID = "AC" + fakes.hex_string(32, seed=9)

DETECTORS = {rule.id: d for d in all_detectors() for rule in d.rules}

# Per rule: (templates, value builder taking a seed). The surrounding text is random.
GENERATORS: dict[str, tuple[tuple[str, ...], Callable[[int], str]]] = {
    "meta-access-token": (
        ('TOKEN = "{T}"', "access_token={T}&x", "Bearer {T}", "{T}"),
        lambda s: fakes.meta_token(app_id=10**14 + s * 7919, seed=s),
    ),
    "meta-app-access-token": (
        ("APP_TOKEN = '{T}'", "?access_token={T}"),
        lambda s: fakes.meta_app_token(seed=s),
    ),
    "meta-app-secret": (
        ('META_APP_SECRET = "{T}"', "FB_APP_SECRET={T}", "whatsappAppSecret: '{T}'"),
        lambda s: fakes.hex_string(32, seed=s),
    ),
    "whatsapp-verify-token": (
        ('VERIFY_TOKEN = "{T}"', "webhookVerifyToken: '{T}'", 'hub.verify_token == "{T}"'),
        lambda s: "v" + fakes.alnum(15, seed=s) + "9",
    ),
    "infobip-api-key": (
        ("App {T}", "INFOBIP_API_KEY={T}", '"{T}"'),
        lambda s: fakes.infobip_key(seed=s),
    ),
    "green-api-token": (
        ("waInstance1101000001/sendMessage/{T}", 'apiTokenInstance: "{T}"', "GREEN_API_TOKEN={T}"),
        lambda s: fakes.green_api_token(seed=s),
    ),
    "dialog360-api-key": (
        ('"D360-API-KEY": "{T}"', "D360_API_KEY={T}", "d360-api-key: {T}"),
        lambda s: fakes.d360_key(seed=s) + "7",
    ),
    "messagebird-access-key": (
        (
            "Authorization: AccessKey {T}",
            "MESSAGEBIRD_API_KEY={T}",
            "messagebird = require('messagebird')('{T}')",
        ),
        lambda s: fakes.messagebird_key(live=s % 2 == 0, seed=s),
    ),
    "gupshup-api-key": (
        ("'apikey': '{T}'", "GUPSHUP_API_KEY={T}"),
        lambda s: fakes.gupshup_key(seed=s),
    ),
    "kaleyra-api-key": (
        ('"api-key": "{T}"', "KALEYRA_API_KEY={T}"),
        lambda s: fakes.kaleyra_key(seed=s),
    ),
    "chat-api-token": (
        (
            "https://api.chat-api.com/instance123456/sendMessage?token={T}",
            "eu5.chat-api.com/instance9/status?a=1&token={T}",
        ),
        lambda s: fakes.chat_api_token(seed=s) + "7",
    ),
    "bsp-api-key": (
        (
            "WATI_API_TOKEN={T}",
            '"x-aisensy-api-key": "{T}"',
            "https://api.ultramsg.com/instance1/messages/chat?token={T}",
            "VONAGE_API_SECRET='{T}'",
            "headers: { apiKey: '{T}' } // gallabox",
        ),
        lambda s: fakes.alnum(23, seed=s) + "5",
    ),
    "twilio-auth-token": (
        (
            'Client("' + _SID + '", "{T}")',
            "TWILIO_AUTH_TOKEN={T}",
            "twilio.auth-token: {T}",
        ),
        lambda s: fakes.hex_string(32, seed=s),
    ),
    "whatsapp-credential-literal": (
        ('WHATSAPP_TOKEN = "{T}"', "WA_API_KEY={T}", "waToken: '{T}'", 'CHAT_API_KEY = "{T}"'),
        lambda s: fakes.alnum(31, seed=s) + "3",
    ),
}


@pytest.mark.parametrize("rule_id", sorted(GENERATORS))
def test_every_seed_of_every_template_is_reported_through_the_engine(rule_id: str) -> None:
    """The class of bug the property test above once found (a generated ``WHATSAPP_TOKEN =
    "…"`` or ``WATI_API_TOKEN=…`` line not reported): a sweep of seeds, deterministically, and
    through the engine's gates, not only the detector's own prefilter."""
    from wabaguard.core.config import Config
    from wabaguard.credentials.engine import Engine
    from wabaguard.credentials.gates import candidate_lines

    engine = Engine(Config(), all_detectors())
    templates, build = GENERATORS[rule_id]
    detector = DETECTORS[rule_id]
    missed = []
    for seed in range(0, 400_000, 1999):  # 201 seeds spread over the property test's range
        for template in templates:
            line, start, end = place(template, build(seed))
            reported = detector.scan_line(line, LineContext([line], 0, ".env"))
            if (rule_id, start, end) not in [(m.rule.id, m.start, m.end) for m in reported]:
                missed.append((seed, template, "not reported"))
            elif list(candidate_lines(engine.gates, [line])) != [0]:
                missed.append((seed, template, "missed by the engine's gates"))
    assert missed == []


_FILLER = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=30
)


def test_every_rule_has_a_generator() -> None:
    assert set(GENERATORS) == set(DETECTORS)


@pytest.mark.parametrize("rule_id", sorted(GENERATORS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_hits_pass_the_prefilter(rule_id: str, data: st.DataObject) -> None:
    templates, build = GENERATORS[rule_id]
    template = data.draw(st.sampled_from(templates))
    seed = data.draw(st.integers(min_value=0, max_value=10**6))
    prefix = data.draw(_FILLER)
    line, _, _ = place(prefix + " " + template + " ", build(seed))
    detector = DETECTORS[rule_id]
    # The clean form is reported (so the generator really generates hits) ...
    clean, start, end = place(template, build(seed))
    ids = [
        (m.rule.id, m.start, m.end)
        for m in detector.scan_line(clean, LineContext([clean], 0, ".env"))
    ]
    assert (rule_id, start, end) in ids
    # ... and whatever the surroundings, a line with a hit passes the prefilter.
    hits = list(detector.scan_line(line, LineContext([line], 0, ".env")))
    assert detector.prefilter.search(clean)
    if hits:
        assert detector.prefilter.search(line)


_FRAGMENTS = st.sampled_from(
    [
        "WHATSAPP_TOKEN",
        "D360-API-KEY",
        "AccessKey",
        "apikey",
        "KALEYRA_API_KEY",
        "https://api.chat-api.com/instance12/sendMessage?token=",
        "x-maytapi-key",
        "WATI_API_TOKEN",
        "graph.facebook.com",
        "verify_token",
        "META_APP_SECRET",
        "waInstance1",
        "apiTokenInstance",
        "=",
        ": ",
        '"',
        "'",
        "|",
        "%7C",
        "123456789012345",
        "EAA",
        "App ",
        "Bearer ",
        "process.env.",
        "os.getenv(",
        ", ",
        "-4abc-8",
        '\\"',
        " || ",
    ]
)


def _hit(rule_id: str) -> st.SearchStrategy[str]:
    templates, build = GENERATORS[rule_id]
    return st.tuples(st.sampled_from(templates), st.integers(0, 10**6)).map(
        lambda pair: place(pair[0], build(pair[1]))[0]
    )


# Built once: a strategy made per draw (flatmap over _hit) is rebuilt and revalidated on
# every draw, which was most of these tests' run time; the draws are the same.
_HIT = {rule_id: _hit(rule_id) for rule_id in GENERATORS}
# Whole hits of every rule, so the random mixes below really reach every detector.
_HITS = st.sampled_from(sorted(GENERATORS)).flatmap(_HIT.__getitem__)

_PIECES = st.one_of(
    _HITS,
    _FRAGMENTS,
    st.integers(0, 10**6).map(lambda s: fakes.alnum(32, seed=s)),
    st.integers(0, 10**6).map(lambda s: fakes.hex_string(32, seed=s)),
    st.integers(0, 10**6).map(lambda s: fakes.hex_string(50, seed=s)),
    st.integers(0, 10**6).map(lambda s: fakes.meta_token(seed=s, body_len=70)),
    st.integers(0, 10**6).map(lambda s: fakes.infobip_key(seed=s)),
    st.integers(0, 10**6).map(lambda s: fakes.messagebird_key(live=s % 2 == 0, seed=s)),
    st.integers(0, 10**6).map(lambda s: fakes.gupshup_key(seed=s)),
    st.integers(0, 10**6).map(lambda s: fakes.kaleyra_key(seed=s)),
    st.integers(0, 10**6).map(lambda s: fakes.uuid4(seed=s)),
    st.integers(0, 10**6).map(lambda s: fakes.meta_app_token(seed=s)),
    _FILLER,
)


@pytest.mark.parametrize("detector", all_detectors(), ids=lambda d: type(d).__name__)
def test_no_detector_reports_a_line_its_prefilter_rejects(detector: Detector) -> None:
    """Random mixes of names, connectors and key shapes: a report implies a prefilter hit."""
    reported = 0
    own_hits = st.one_of([_HIT[rule.id] for rule in detector.rules])

    @settings(max_examples=250, deadline=None)
    @given(
        pieces=st.lists(
            st.tuples(st.sampled_from(["", " ", "=", '"', ": "]), st.one_of(own_hits, _PIECES)),
            max_size=12,
        ),
        path=st.sampled_from(["a.py", ".env", "a.yml", "a.md"]),
    )
    def check(pieces: list[tuple[str, str]], path: str) -> None:
        nonlocal reported
        line = "".join(sep + piece for sep, piece in pieces)
        if any(True for _ in detector.scan_line(line, LineContext([line], 0, path))):
            reported += 1
            assert detector.prefilter.search(line), (type(detector).__name__, line)

    check()
    # The mixes must really reach the detector, or the property proves nothing.
    assert reported > 0


@settings(max_examples=100, deadline=None)
@given(pieces=st.lists(_PIECES, max_size=8))
def test_prefilters_never_span_a_newline(pieces: list[str]) -> None:
    # The engine runs the union of prefilters over newline-joined chunks.
    text = "\n".join(pieces)
    for detector in all_detectors():
        for match in detector.prefilter.finditer(text):
            assert "\n" not in match.group()


PATHOLOGICAL = {
    "EAA+alnum": ("EAA" + "Ab1" * 40) * 800,
    "EAA glued": "EAA" + "x" * 100_000,
    "EAA+short": "EAAB1 " * 17_000,
    "D360 headers": "D360-API-KEY:" * 8_000,
    "D360 chained": "D360-API-KEY=" * 8_000,
    "D360 notebook": '\\"D360-API-KEY\\": \\"' * 5_000,
    "D360 quoted": '"D360-API-KEY": "' * 6_000,
    "names": "WHATSAPP_TOKEN=" * 7_000,
    "verify": "verify_token==" * 7_500,
    "assignments": ("app_" + "secret: ") * 9_000,
    "pipes": "123456789012345|" * 6_500,
    "uuid-ish": "-4abc-8abc-" * 9_500,
    "hex49": ("a" * 49 + "g") * 2_000,
    "quotes": '\\"' * 50_000,
    "waInstance": "waInstance1/" * 9_000,
}


def _scan(line: str, detectors: list[Detector]) -> Callable[[], None]:
    context = LineContext([line], 0, "big.env")

    def run() -> None:
        for detector in detectors:
            detector.prefilter.search(line)
            for _ in detector.scan_line(line, context):
                pass

    return run


def _growth(line: str, detectors: list[Detector]) -> float:
    short = line[: len(line) // 10]
    _scan(short, detectors)()  # warm-up: lazy compiles and imports are not the line's cost
    return growth(cpu_seconds(_scan(short, detectors)), cpu_seconds(_scan(line, detectors)), 10)


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_lines_scan_in_linear_time(name: str) -> None:
    """A tenth of the line costs about a tenth of the CPU time (a quadratic detector makes the
    whole line cost ~100x). All detectors are measured together; a failure names the one."""
    line = PATHOLOGICAL[name]
    assert len(line) >= 95_000
    detectors = list(all_detectors())
    ratio = _growth(line, detectors)
    if ratio >= CPU_LIMIT:
        slow = {type(d).__name__: round(_growth(line, [d]), 1) for d in detectors}
        pytest.fail(f"{name}: 10x the line cost {10 * ratio:.0f}x the time; per detector: {slow}")
