"""Several processes serve as one (issue 16): a session, a CSRF token, a rate limit and the
page cache agree between processes. Through real HTTP, against real ``mapper serve``
processes: two separate ones sharing MAPPER_SECRET_KEY (as behind a load balancer: which
process answers is then the test's choice), and ``--workers 2`` under gunicorn with a key
drawn by the master, whose access log says which worker answered."""
from __future__ import annotations

import re
from collections import Counter

import requests

from tests.web.conftest import PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _login_form(base: str, http: requests.Session) -> str:
    resp = http.get(base + "/connexion")
    assert resp.status_code == 200
    return _CSRF.search(resp.text).group(1)


def _sign_in(http, form_base: str, post_base: str) -> requests.Response:
    token = _login_form(form_base, http)
    return http.post(post_base + "/connexion", allow_redirects=False, data={
        "email": "coord@example.org", "password": PASSWORD, "csrf_token": token})


def _signed_in(resp) -> bool:
    return resp.status_code == 200 and "/deconnexion" in resp.text


def test_a_session_and_a_csrf_token_of_one_process_hold_on_another(serve, world_url):
    url, world, _ = world_url
    a = serve(url, MAPPER_SECRET_KEY="shared-secret-of-the-test")
    b = serve(url, MAPPER_SECRET_KEY="shared-secret-of-the-test")
    http = requests.Session()
    resp = _sign_in(http, a.url, b.url)  # the form's token from A, posted to B
    assert resp.status_code == 302, resp.text[:500]
    page = f"/cpts/{world.slugs['sud']}"
    assert _signed_in(http.get(a.url + page)) and _signed_in(http.get(b.url + page))
    # a token that no process issued is refused by each
    stranger = requests.Session()
    _login_form(a.url, stranger)
    refused = stranger.post(b.url + "/connexion", data={
        "email": "coord@example.org", "password": PASSWORD, "csrf_token": "forged"})
    assert refused.status_code == 400


def test_a_process_with_another_key_does_not_take_the_session(serve, world_url):
    url, world, _ = world_url
    a = serve(url, MAPPER_SECRET_KEY="one-key")
    other = serve(url, MAPPER_SECRET_KEY="another-key")
    http = requests.Session()
    assert _sign_in(http, a.url, a.url).status_code == 302
    page = f"/cpts/{world.slugs['sud']}"
    assert _signed_in(http.get(a.url + page))
    assert not _signed_in(http.get(other.url + page))


def test_the_rate_limit_counts_the_requests_of_every_process(serve, world_url):
    url, _, _ = world_url
    limits = {"MAPPER_AUTOCOMPLETE_RATE": "0.05", "MAPPER_AUTOCOMPLETE_BURST": "3"}
    a, b = serve(url, **limits), serve(url, **limits)
    suggest = "/api/v1/adresses?q=rue+de+la+paix"
    codes = [requests.get(server.url + suggest).status_code for server in (a, b, a)]
    assert codes == [200, 200, 200]
    for server in (b, a):
        resp = requests.get(server.url + suggest)
        assert resp.status_code == 429 and int(resp.headers["Retry-After"]) >= 1


def test_the_page_cache_of_a_process_shows_a_write_made_through_another(serve, world_url):
    url, world, token = world_url
    a, b = serve(url), serve(url)
    widget = f"/embed/cpts/{world.slugs['sud']}"
    for server in (a, b):
        assert "Bernard Durand" in requests.get(server.url + widget).text  # now cached
    resp = requests.patch(f"{b.url}/api/v1/professionals/{world.pros['doctor']}",
                          json={"last_name": "Durand-Leroy"},
                          headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200, resp.text
    assert "Bernard Durand-Leroy" in requests.get(a.url + widget).text


def _pid_of_each_request(server) -> list[str]:
    return [line.split()[1] for line in server.lines if line.startswith("ACCESS ")]


def test_two_gunicorn_workers_share_a_drawn_key_and_stop_gracefully(serve, world_url):
    url, world, _ = world_url
    server = serve(url, workers=2, threads=2, GUNICORN_CMD_ARGS=(
        "--access-logfile - --access-logformat 'ACCESS %(p)s %(m)s %(U)s %(s)s'"))
    assert any("MAPPER_SECRET_KEY non défini" in line for line in server.lines)
    http = requests.Session()
    assert _sign_in(http, server.url, server.url).status_code == 302
    page = f"/cpts/{world.slugs['sud']}"
    for _ in range(24):  # a new connection each time: the workers take turns as they accept
        assert _signed_in(http.get(server.url + page, headers={"Connection": "close"}))
    served = Counter(_pid_of_each_request(server)[-24:])
    assert len(served) == 2, served  # both workers took the signed-in visitor
    assert server.stop() == 0
    assert any("Shutting down" in line or "Worker exiting" in line for line in server.lines)
