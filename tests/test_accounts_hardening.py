"""Accounts and HTTP hardening: login throttling, password validators, session expiry, CSRF on
every POST, the Content-Security-Policy (and pages that keep to it), and ``check --deploy``."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safetyplan.middleware import CONTENT_SECURITY_POLICY
from tests.test_permission_matrix import EXPECTED, project_urls, world  # noqa: F401  (fixture)
from units import services as account_services
from units import throttle

BASE_DIR = Path(django_settings.BASE_DIR)
PASSWORD = "pw-Test-12345"  # tests/factories.py


def _login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


# ---- login throttling -------------------------------------------------------------------------


def test_five_failures_lock_the_username_even_with_the_right_password(client, office):
    for _ in range(5):
        page = _login(client, "office", "wrong")
        assert page.status_code == 200 and "用户名或密码不正确" in page.content.decode()
    page = _login(client, "office", PASSWORD)
    assert page.status_code == 429
    assert "登录失败次数过多，请 15 分钟后再试" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_do_not_lock(client, office):
    for _ in range(4):
        _login(client, "office", "wrong")
    page = _login(client, "office", PASSWORD)
    assert page.status_code == 302 and client.session["_auth_user_id"] == str(office.pk)


def test_a_successful_login_clears_the_username_count(client, office):
    for _ in range(4):
        _login(client, "office", "wrong")
    assert _login(client, "office", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        _login(client, "office", "wrong")
    assert _login(client, "office", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_lockout(client, office, monkeypatch):
    for _ in range(5):
        _login(client, "office", "wrong")
    later = throttle.time.time() + django_settings.LOGIN_LOCKOUT_SECONDS + 1
    monkeypatch.setattr(throttle.time, "time", lambda: later)
    assert _login(client, "office", PASSWORD).status_code == 302


def test_one_locked_username_does_not_lock_another(client, office, leader):
    for _ in range(5):
        _login(client, "office", "wrong")
    assert _login(client, "leader", PASSWORD).status_code == 302


def test_many_failures_from_one_address_lock_that_address(client, office, leader, settings):
    settings.LOGIN_FAILURES_PER_IP = 6
    for i in range(6):
        _login(client, f"nobody{i}", "wrong", REMOTE_ADDR="10.0.0.9")
    page = _login(client, "leader", PASSWORD, REMOTE_ADDR="10.0.0.9")
    assert page.status_code == 429 and "登录失败次数过多" in page.content.decode()
    other = Client()
    assert _login(other, "leader", PASSWORD, REMOTE_ADDR="10.0.0.10").status_code == 302


def test_the_proxy_header_names_the_address_when_configured(client, office, settings):
    settings.LOGIN_FAILURES_PER_IP = 3
    settings.LOGIN_THROTTLE_IP_HEADER = "HTTP_X_REAL_IP"
    for i in range(3):
        _login(client, f"x{i}", "wrong", HTTP_X_REAL_IP="172.16.0.5")
    assert _login(client, "office", PASSWORD, HTTP_X_REAL_IP="172.16.0.5").status_code == 429
    assert _login(client, "office", PASSWORD, HTTP_X_REAL_IP="172.16.0.6").status_code == 302


def test_the_admin_login_is_throttled_too(client, it_admin):
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": "it_admin", "password": "wrong"})
    page = client.post(reverse("admin:login"), {"username": "it_admin", "password": PASSWORD})
    assert page.status_code == 200 and "_auth_user_id" not in client.session


def test_client_login_is_refused_while_locked(client, office):
    for _ in range(5):
        _login(client, "office", "wrong")
    assert not Client().login(username="office", password=PASSWORD)


# ---- passwords ----------------------------------------------------------------------------------


def test_one_time_passwords_pass_the_validators(office, monkeypatch):
    digits = iter("2345678923" + "aB3dE5gH7k")  # the first draw is all digits: refused
    monkeypatch.setattr(account_services.secrets, "choice", lambda alphabet: next(digits))
    password = account_services.one_time_password(office)
    assert password == "aB3dE5gH7k"
    validate_password(password, office)


def test_office_created_and_reset_passwords_pass_the_validators(login, office, unit_a, liaison_a):
    client = login(office)
    page = client.post(reverse("account_create"), {"username": "zhang3", "full_name": "张三",
                                                   "unit": unit_a.pk})  # fmt: skip
    created = re.search(r'class="password">([^<]+)<', page.content.decode()).group(1)
    page = client.post(reverse("account_reset", args=[liaison_a.pk]))
    reset = re.search(r'class="password">([^<]+)<', page.content.decode()).group(1)
    for password in (created, reset):
        validate_password(password)
        assert len(password) >= 8


@pytest.mark.parametrize(
    ("new", "why"),
    [("12345678", "只包含数字"), ("password", "太常见"), ("Ab3$x", "密码太短，至少需要 8 个字符"),
     ("liaison_a1", "相似")],
)  # fmt: skip
def test_password_change_enforces_the_validators(login, liaison_a, new, why):
    client = login(liaison_a)
    page = client.post(reverse("password_change"), {"old_password": PASSWORD,
                                                    "new_password1": new, "new_password2": new})  # fmt: skip
    assert page.status_code == 200 and why in page.content.decode()
    liaison_a.refresh_from_db()
    assert liaison_a.check_password(PASSWORD)


def test_validators_are_configured():
    names = {v["NAME"].rsplit(".", 1)[-1] for v in django_settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {"UserAttributeSimilarityValidator", "MinimumLengthValidator",
                     "CommonPasswordValidator", "NumericPasswordValidator"}  # fmt: skip
    with pytest.raises(ValidationError):
        validate_password("1234567")


# ---- sessions -----------------------------------------------------------------------------------


def test_session_ends_with_the_browser_and_after_eight_hours(client, office):
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert django_settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    _login(client, "office", PASSWORD)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert cookie["httponly"]
    assert client.session.get_expire_at_browser_close()


def test_an_expired_session_is_sent_to_login(client, office):
    _login(client, "office", PASSWORD)
    assert client.get(reverse("workbench")).status_code == 200
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1)
    )
    response = client.get(reverse("workbench"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# ---- CSRF ---------------------------------------------------------------------------------------


def _all_urls(world_objects) -> list[tuple[str, str]]:
    urls = []
    for name, _route, args in project_urls():
        kwargs = {a: world_objects[EXPECTED[name]["obj"]] for a in args}
        urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


@pytest.mark.parametrize("who", ["anon", "office", "liaison_a", "it_admin"])
def test_every_post_without_a_csrf_token_is_refused(request, world, who):  # noqa: F811
    client = Client(enforce_csrf_checks=True)
    if who != "anon":
        client.force_login(request.getfixturevalue(who))
    client.get(reverse("login"))  # a CSRF cookie, but no token in the form
    for name, url in _all_urls(world):
        response = client.post(url, {"matrix": "1"})
        assert response.status_code == 403, f"{name} accepted a POST without a CSRF token"
        assert "请求未通过安全校验" in response.content.decode(), name


def test_no_view_is_csrf_exempt():
    from django.urls import get_resolver

    def walk(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from walk(p.url_patterns)
            else:
                yield p

    exempt = [p.name for p in walk(get_resolver().url_patterns)
              if getattr(p.callback, "csrf_exempt", False)]  # fmt: skip
    assert not exempt


def test_a_post_with_the_token_gets_through(office):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    response = client.post(reverse("login"), {"username": "office", "password": PASSWORD,
                                              "csrfmiddlewaretoken": token})  # fmt: skip
    assert response.status_code == 302


# ---- Content-Security-Policy --------------------------------------------------------------------


def test_every_page_carries_the_policy(client, login, office, world):  # noqa: F811
    assert client.get(reverse("login"))["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    page = login(office).get(reverse("workbench"))
    policy = page["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy


class _InlineFinder(HTMLParser):
    """Inline scripts, ``on…=`` handlers, ``style=`` attributes and ``<style>`` blocks."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> block")
        self.found += [f"{tag} {name}=" for name in names if name == "style" or
                       name.startswith("on")]  # fmt: skip
        if tag == "a" and any((v or "").strip().lower().startswith("javascript:")
                              for n, v in attrs if n == "href"):  # fmt: skip
            self.found.append("javascript: link")


def _inline(html: str) -> list[str]:
    finder = _InlineFinder()
    finder.feed(html)
    return finder.found


@pytest.mark.parametrize("who", ["office", "liaison_a", "leader"])
def test_rendered_pages_need_no_inline_script_or_style(request, world, who):  # noqa: F811
    client = Client()
    client.force_login(request.getfixturevalue(who))
    checked = 0
    for name, url in _all_urls(world):
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        found = _inline(response.content.decode())
        assert not found, f"{name}: {found}"
        checked += 1
    assert checked >= 8


def test_the_finder_finds_what_the_policy_blocks():
    found = _inline('<script>alert(1)</script><p style="x" onclick="y"><a href="javascript:z">')
    assert sorted(found) == ["<script> without src", "javascript: link", "p onclick=", "p style="]
    assert _inline('<script src="/static/js/measures.js" defer></script>') == []


def test_templates_have_no_inline_script_or_style():
    offenders = []
    for path in (BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\sstyle\s*=", r"\son[a-z]+\s*=",
                        r"<style\b", r"javascript:"):  # fmt: skip
            if re.search(pattern, text, re.IGNORECASE):
                offenders.append(f"{path.relative_to(BASE_DIR)}: {pattern}")
    assert not offenders


@pytest.mark.parametrize("template", ["500.html", "403_csrf.html"])
def test_plain_error_pages_render_without_inline_style(template):
    from django.template.loader import render_to_string

    html = render_to_string(template)
    assert "/static/css/app.css" in html and not _inline(html)


# ---- production settings ------------------------------------------------------------------------


def test_check_deploy_is_clean_in_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(SAFETYPLAN_HTTPS="true", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64),
               SAFETYPLAN_VAR_DIR=str(tmp_path), ALLOWED_HOSTS="aqb.example.gov.cn")  # fmt: skip
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_and_headers(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(SAFETYPLAN_HTTPS="true", DEBUG="false", SECRET_KEY=secrets.token_urlsafe(64),
               SAFETYPLAN_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="safetyplan.settings")  # fmt: skip
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_HTTPONLY, s.X_FRAME_OPTIONS, "
        "'safetyplan.middleware.ContentSecurityPolicyMiddleware' in s.MIDDLEWARE)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "DENY", "True"], (
        result.stderr
    )
