"""``wabaguard.online.http``: the plumbing every online client shares (the rotation check
today, live verification next), with waits injected so nothing really sleeps."""

from __future__ import annotations

import email.utils
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

import fakes
from rotation.fake_github import FakeGitHub, Reply
from wabaguard.online.http import HttpClient, HttpError, RetryPolicy

AUTH = "Bearer " + fakes.alnum(20)  # built at run time
USERINFO = ":".join(("user", "pw"))


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    with FakeGitHub("unused") as fake:
        fake.routes["/ok"] = {"fine": True}
        yield fake


def client(server: FakeGitHub, **kwargs: Any) -> tuple[HttpClient, list[float]]:
    slept: list[float] = []
    made = HttpClient(
        server.url,
        secret_headers={"Authorization": AUTH},
        sleep=slept.append,
        **kwargs,
    )
    return made, slept


def test_server_errors_are_retried_with_backoff(server: FakeGitHub) -> None:
    server.token = AUTH.removeprefix("Bearer ")
    server.script("/ok", Reply(502, {"message": "bad gateway"}), Reply(503, None))
    http, slept = client(server)
    data, _ = http.get_json(http.url("ok"))
    assert data == {"fine": True}
    assert slept == [1.0, 2.0]
    assert http.requests == 3


def test_server_errors_give_up_after_the_bound(server: FakeGitHub) -> None:
    server.script("/ok", *[Reply(500, {"message": "boom"}) for _ in range(9)])
    http, slept = client(server, retry=RetryPolicy(max_retries=2))
    with pytest.raises(HttpError) as caught:
        http.get(http.url("ok"))
    assert caught.value.kind == "server"
    assert caught.value.message == "500 Internal Server Error (boom)"
    assert http.requests == 3 and len(slept) == 2


def test_retry_after_as_an_http_date(server: FakeGitHub) -> None:
    server.token = AUTH.removeprefix("Bearer ")
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    server.script("/ok", Reply(429, None, {"Retry-After": when}))
    http, slept = client(server)
    http.get(http.url("ok"))
    assert len(slept) == 1 and 27 <= slept[0] <= 31  # on the server's clock (its Date header)


def test_an_absurd_wait_is_an_error_not_a_crash(server: FakeGitHub) -> None:
    server.script("/ok", Reply(429, None, {"Retry-After": "9" * 30}))
    http, slept = client(server)
    with pytest.raises(HttpError) as caught:
        http.get(http.url("ok"))
    assert caught.value.kind == "rate-limited"
    assert "a time too far ahead to show" in caught.value.message
    assert slept == []


def test_a_same_origin_redirect_is_followed(server: FakeGitHub) -> None:
    server.token = AUTH.removeprefix("Bearer ")
    server.script("/old", Reply(301, None, {"Location": "/ok"}))
    http, _ = client(server)
    data, response = http.get_json(http.url("old"))
    assert data == {"fine": True}
    assert response.url.endswith("/ok")
    assert [s.headers.get("Authorization") for s in server.requests] == [AUTH, AUTH]


def test_a_redirect_elsewhere_is_refused_and_the_credential_not_sent(server: FakeGitHub) -> None:
    port = server.url.rsplit(":", 1)[1]
    server.script("/old", Reply(302, None, {"Location": f"http://localhost:{port}/ok"}))
    http, _ = client(server)
    with pytest.raises(HttpError) as caught:
        http.get(http.url("old"))
    assert caught.value.kind == "protocol"
    assert "not followed, so the token is not sent there" in caught.value.message
    assert server.paths() == ["/old"]


def test_a_credential_never_goes_into_a_url(server: FakeGitHub) -> None:
    http, _ = client(server)
    with pytest.raises(HttpError) as caught:
        http.get(http.url("ok", {"access_token": AUTH.removeprefix("Bearer ")}))
    assert caught.value.message == "refusing to put a credential in a URL"
    assert server.requests == []


def test_error_messages_never_hold_the_credential(server: FakeGitHub) -> None:
    server.script("/ok", Reply(400, {"message": f"you sent {AUTH} and more"}))
    http, _ = client(server)
    with pytest.raises(HttpError) as caught:
        http.get(http.url("ok"))
    assert AUTH.removeprefix("Bearer ") not in caught.value.message
    assert caught.value.message == "400 Bad Request (you sent *** and more)"


def test_a_body_that_is_not_json(server: FakeGitHub) -> None:
    server.token = AUTH.removeprefix("Bearer ")
    server.script("/ok", Reply(200, None))
    http, _ = client(server)
    with pytest.raises(HttpError) as caught:
        http.get_json(http.url("ok"))
    assert caught.value.kind == "protocol"
    assert caught.value.message.endswith("answered 200 with a non-JSON body")


def test_a_server_that_never_answers_times_out() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    try:
        http = HttpClient(f"http://127.0.0.1:{port}", timeout=0.2)
        with pytest.raises(HttpError) as caught:
            http.get(http.url("x"))
        assert caught.value.kind == "timeout"
        assert caught.value.message == f"http://127.0.0.1:{port} did not answer within 0.2 s"
    finally:
        for conn in accepted:
            conn.close()
        listener.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com", "the API URL must start with https://"),
        (
            "https://{}@example.com".format(":".join(("user", "pw"))),
            "holds a user name or password",
        ),
        ("https://example.com/?x=1", "the API URL must not have a query or fragment"),
        ("http://example.com", "refusing to send a token over plain http to example.com"),
        ("https://example.com:99999", "the API URL is not a valid URL"),
    ],
)
def test_unusable_base_urls(url: str, message: str) -> None:
    with pytest.raises(HttpError) as caught:
        HttpClient(url, secret_headers={"Authorization": AUTH})
    assert caught.value.kind == "config"
    assert message in caught.value.message
    assert "pw" not in caught.value.message
