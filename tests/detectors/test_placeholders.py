"""Placeholders are judged on the whole value, never on a word found inside it.

Two properties, through the detectors as the engine runs them (``detector_helpers.scan``):

* a random key of a detector's format with a placeholder word ("todo", "your", "Here"…)
  written over it at a random position is still reported, exactly where it is;
* placeholders of many shapes (words with a marker in any case style, glued or bracketed
  words, masks, truncations, low-variety fillers) are not reported by any rule.

The hex-only formats (Meta app secret, Gupshup, Kaleyra, GREEN-API, Infobip) are left out of
the first property: no placeholder word is spelled with hex digits, so none can be planted
in such a key without changing its format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from detector_helpers import place, scan, unstructured_meta_token
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import fakes


@dataclass(frozen=True)
class Slot:
    rule: str
    template: str  # "{T}" is where the value goes
    path: str
    build: Callable[[int], str]  # seed -> a value the rule reports
    head: int = 0  # characters at the start that the format fixes (not overwritten)
    tail: int = 0  # ... and at the end (a digit some rules need)


SLOTS = [
    Slot("meta-access-token", 'TOKEN = "{T}"', "app.py", lambda s: fakes.meta_token(seed=s), 13),
    # Tokens without the app-id structure, reported for their context (medium confidence).
    Slot("meta-access-token", "    access_token: {T}", "config.yaml", unstructured_meta_token, 4),
    Slot("meta-access-token", "Authorization: Bearer {T}", "api.http", unstructured_meta_token, 4),
    Slot(
        "meta-access-token",
        "curl -H 'Authorization: Bearer {T}' https://graph.facebook.com/v19.0/me",
        "send.sh",
        lambda s: fakes.meta_token(seed=s),
        13,
    ),
    Slot(
        "meta-app-access-token",
        "fb_app_token: {T}",
        "settings.yml",
        lambda s: f"{fakes.FAKE_APP_ID}|{fakes.alnum(20, seed=s)}-{fakes.alnum(7, seed=s + 1)}",
        16,
    ),
    Slot(
        "dialog360-api-key",
        'headers = {{"D360-API-KEY": "{T}"}}',
        "send.py",
        lambda s: fakes.alnum(31, seed=s) + "7",
        tail=1,
    ),
    Slot(
        "dialog360-api-key", "D360_API_KEY={T}", ".env", lambda s: fakes.alnum(31, s) + "7", tail=1
    ),
    Slot(
        "whatsapp-credential-literal",
        'WHATSAPP_API_KEY = "{T}"',
        "config.py",
        lambda s: fakes.alnum(31, seed=s) + "3",
        tail=1,
    ),
    Slot(
        "whatsapp-credential-literal",
        "WA_TOKEN={T}",
        ".env",
        lambda s: fakes.alnum(31, s) + "3",
        tail=1,
    ),
    Slot(
        "bsp-api-key", "WATI_API_TOKEN={T}", ".env", lambda s: fakes.alnum(23, seed=s) + "5", tail=1
    ),
    Slot(
        "bsp-api-key",
        "https://api.ultramsg.com/instance1/messages/chat?token={T}&to=1",
        "send.md",
        lambda s: fakes.alnum(23, seed=s) + "5",
        tail=1,
    ),
    Slot(
        "whatsapp-verify-token",
        'VERIFY_TOKEN = "{T}"',
        "webhook.py",
        lambda s: "v" + fakes.alnum(15, seed=s) + "9",
        tail=1,
    ),
    Slot(
        "whatsapp-verify-token",
        "WHATSAPP_VERIFY_TOKEN={T}",
        ".env",
        lambda s: "v" + fakes.alnum(15, seed=s) + "9",
        tail=1,
    ),
    Slot(
        "messagebird-access-key",
        "MESSAGEBIRD_API_KEY={T}",
        ".env",
        lambda s: fakes.messagebird_key(seed=s),
        head=5,
    ),
    Slot(
        "chat-api-token",
        "https://api.chat-api.com/instance123/sendMessage?token={T}",
        "notes.md",
        lambda s: fakes.chat_api_token(seed=s) + "7",
        tail=1,
    ),
]

PLANTED = [
    "todo", "your", "here", "fixme", "tbd", "changeme", "placeholder", "example", "sample",
    "dummy", "replace", "insert", "redacted", "test", "fake", "mock", "my", "token", "key",
    "secret", "none", "null",
]  # fmt: skip


def _reported(slot: Slot, value: str) -> bool:
    line, start, end = place(slot.template, value)
    return (slot.rule, start, end) in scan(line, slot.path)


@pytest.mark.parametrize("slot", SLOTS, ids=lambda s: f"{s.rule}:{s.path}")
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_word_inside_a_random_key_does_not_make_it_a_placeholder(
    slot: Slot, data: st.DataObject
) -> None:
    value = slot.build(data.draw(st.integers(0, 10**6), label="seed"))
    word = data.draw(st.sampled_from(PLANTED), label="word")
    word = data.draw(st.sampled_from([word, word.upper(), word.capitalize()]), label="case")
    last = len(value) - slot.tail - len(word)
    at = data.draw(st.integers(slot.head, last), label="position")
    planted = value[:at] + word + value[at + len(word) :]
    # The same letters in another order: whatever a rule checks besides words (length,
    # variety, case, digits) is unchanged, so a rejection of `planted` can only be the word.
    rotated = word[1:] + word[0]
    assume(rotated.lower() not in PLANTED)
    assume(_reported(slot, value[:at] + rotated + value[at + len(word) :]))
    assert _reported(slot, planted), planted


@pytest.mark.parametrize(
    ("word", "rule", "path"),
    [
        ("todo", "dialog360-api-key", "send.py"),
        ("Here", "whatsapp-credential-literal", "config.py"),
        ("your", "whatsapp-verify-token", "webhook.py"),
        ("TEST", "bsp-api-key", ".env"),
        ("Sample", "chat-api-token", "notes.md"),
    ],
)
def test_keys_the_old_check_dropped_for_a_word_inside_them(word: str, rule: str, path: str) -> None:
    [slot] = [s for s in SLOTS if (s.rule, s.path) == (rule, path)]
    value = slot.build(11)
    planted = value[:6] + word + value[6 + len(word) :]
    assert _reported(slot, planted), planted


# -- whole-value placeholders ------------------------------------------------------------------

_MARKER_WORDS = [
    "your", "here", "todo", "fixme", "tbd", "changeme", "placeholder", "example", "sample",
    "dummy", "replace", "insert", "redacted", "test", "fake", "mock",
]  # fmt: skip
# Words a placeholder is made of: known ones (they can be glued: ``yourtokenhere``) and
# names a vocabulary cannot know (only ever separated: ``your_gallabox_key``).
_KNOWN_WORDS = [
    "whatsapp", "api", "key", "token", "access", "secret", "app", "verify", "webhook",
    "meta", "instance", "goes", "here", "client", "auth",
]  # fmt: skip
_NAMES = ["wati", "gallabox", "d360", "360dialog", "bsp", "acme"]


@st.composite
def _wordy(draw: st.DrawFn) -> str:
    marker = draw(
        st.one_of(
            st.sampled_from(_MARKER_WORDS).map(lambda w: [w]),
            st.sampled_from(["key", "token", "secret", "api key"]).map(
                lambda w: ["my", *w.split()]
            ),
            st.just(["change", "me"]),
        )
    )
    style = draw(st.sampled_from(["_", "-", ".", " ", "camel", "pascal", "glued", "GLUED"]))
    others = _KNOWN_WORDS + (_NAMES if len(style) == 1 else [])
    before = draw(st.lists(st.sampled_from(others), max_size=2))
    after = draw(st.lists(st.sampled_from(others), max_size=2))
    words = [*before, *marker, *after]
    if style == "camel":
        value = words[0] + "".join(w.capitalize() for w in words[1:])
    elif style == "pascal":
        value = "".join(w.capitalize() for w in words)
    elif style in ("glued", "GLUED"):
        value = "".join(words)
    else:
        value = style.join(words)
    if draw(st.booleans()):
        value = value.upper()
    number = draw(st.sampled_from(["", "_1", "-123", "_2024", "1", "2024"]))
    if number[:1].isdigit() and not value[-1:].isalpha():
        number = "_" + number
    return value + number


_WORDY = _wordy()
_BRACKETED = st.builds(
    lambda inner, shape: shape.format(inner),
    st.one_of(_WORDY, st.sampled_from(["token", "API_KEY", "access-token", "key"])),
    st.sampled_from(["<{}>", "{{{}}}", "{{{{ {} }}}}", "[{}]", "<<{}>>"]),
)
_HEAD = st.integers(0, 10**6).map(lambda s: fakes.alnum(s % 9, seed=s))
_MASKED = st.one_of(
    st.builds(lambda h, n, x: h + x * n, _HEAD, st.integers(8, 40), st.sampled_from("xX")),
    st.builds(lambda h, n: h + "*" * n, _HEAD, st.integers(3, 20)),
    st.builds(lambda h, mark: h + mark, _HEAD, st.sampled_from(["...", "…", "…abcd", "...wxyz"])),
)
_LOW_VARIETY = st.one_of(
    st.builds(lambda c, n: c * n, st.sampled_from("x0A1z-"), st.integers(8, 60)),
    st.builds(
        lambda u, n: u * n, st.sampled_from(["ab", "abc1", "1234", "FAKE"]), st.integers(4, 12)
    ),
)
PLACEHOLDERS = st.one_of(_WORDY, _BRACKETED, _MASKED, _LOW_VARIETY)

# Where a credential literal would be (every context-gated rule, and the formats' contexts).
PLACES = [
    ('WHATSAPP_TOKEN = "{T}"', "config.py"),
    ("WHATSAPP_API_KEY={T}", ".env"),
    ('headers = {{"D360-API-KEY": "{T}"}}', "send.py"),
    ("D360_API_KEY: {T}", "values.yml"),
    ("WATI_API_TOKEN={T}", ".env"),
    ('"x-maytapi-key": "{T}"', "client.json"),
    ('VERIFY_TOKEN = "{T}"', "webhook.py"),
    ("webhook_verify_token: {T}", "values.yaml"),
    ("MESSAGEBIRD_API_KEY={T}", ".env"),
    ("https://api.chat-api.com/instance123/sendMessage?token={T}", "notes.md"),
    ("https://api.ultramsg.com/instance1/messages/chat?token={T}", "notes.md"),
    ("fb_app_token: 123456789012345|{T}", "settings.yml"),
    ("META_APP_SECRET={T}", ".env"),
    ("curl -H 'Authorization: Bearer {T}' https://graph.facebook.com/v19.0/me", "send.sh"),
    ('WHATSAPP_TOKEN = "EAA{T}"', "config.py"),
]


@pytest.mark.parametrize(("template", "path"), PLACES)
@settings(max_examples=150, deadline=None)
@given(value=PLACEHOLDERS)
def test_whole_value_placeholders_are_not_reported(template: str, path: str, value: str) -> None:
    line = template.format(T=value)
    assert scan(line, path) == [], line


@pytest.mark.parametrize(
    "value",
    [
        "your_whatsapp_token_here", "<YOUR_TOKEN>", "{{ api_key }}", "your-token-here",
        "YourAccessToken", "yourtokenhere", "REPLACE_ME", "replaceme", "changeme", "TODO",
        "insert-your-key-here", "my_api_key", "test-token-123", "dummy.secret.v2",
        "EAAG...", "sk_live_xxxx", "xxxxxxxxxxxxxxxx", "abcd1234********", "[API KEY]",
        "placeholder", "your_gallabox_api_key", "FAKE-KEY-2024",
    ],
)  # fmt: skip
def test_documented_placeholder_shapes(value: str) -> None:
    from wabaguard.detectors._text import is_placeholder

    assert is_placeholder(value)


@pytest.mark.parametrize(
    "value",
    [
        "latest_token_v2",  # "test" inside a word is not the word "test"
        "my_verify_token",  # a chosen verify token, not a placeholder
        "whatsapp-webhook-verify",
        "qwhtyourkzmpbnvc7",  # random letters that spell "your"
    ],
)
def test_values_that_merely_contain_a_marker_are_not_placeholders(value: str) -> None:
    from wabaguard.detectors._text import is_placeholder

    assert not is_placeholder(value)
