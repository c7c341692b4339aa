"""Every URL pattern × every role: the answer each must get to GET, and to POST where it accepts POST.

Adding a URL: one line in the app's own tests/<app>/matrix_*.py (merged below), in ENTRIES:

    "app:name": (kwargs, "query=string", signed_in(404, koordinator=200, referrer=403)),

kwargs is a dict or a function of the shared world (`journey` in tests/conftest.py: users of every
role and one object of each kind) giving the reverse() kwargs. If the pattern accepts POST, also
add a row to that module's POSTS (tests/matrix_roles.py `Post`):

    "app:name": Post(
        answers=signed_in(404, koordinator=302, referrer=403),  # allowed: 2xx/3xx; 403 sees; 404 not
        data=lambda w: {"field": "value"},                       # a valid form for the allowed roles
        changed=lambda p: Thing.objects.filter(...).exists(),    # did the change happen?
    ),

A role answered with a success must have made the change; every other role must have changed
nothing (`Unchanged(200)`: a page that refuses with a message). `Post(kwargs=...)` posts to another
object than the GET row (a draft rather than a final document); `htmx=True` sends HX-Request.
A pattern missing from ENTRIES fails `test_every_url_pattern_is_in_the_matrix`; one that
accepts POST without a POSTS row fails `test_every_pattern_that_accepts_post_has_a_post_row`.

Speed: the world is built once per module (`shared_journey`) and each test checks all roles of one
URL against it; every role's request runs in a savepoint rolled back afterwards, so each role meets
the same data. A failure lists every role whose answer differed.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ist.login.models import PasswordResetRequest
from ist.outbox.models import Message
from teams.models import ADMINISTRATOR_APPS, User
from tests.factories import PASSWORD
from tests.login import matrix_login as login_matrix
from tests.matrix_roles import ADMIN_LOGIN, ANY_LOGIN, LOGIN, ROLES, Post, Posted, Unchanged, every, signed_in
from tests.participants import matrix_enrolment as enrolment_matrix
from tests.participants import matrix_journey as journey_matrix
from tests.participants import matrix_privacy as privacy_matrix
from tests.participants import matrix_week as week_matrix
from tests.participants.documents import matrix_delivery as delivery_matrix
from tests.participants.documents import matrix_documents as documents_matrix
from tests.questionnaires import matrix_questionnaires as questionnaires_matrix
from tests.referrals import matrix_letters as letters_matrix
from tests.referrals import matrix_lifecycle as lifecycle_matrix
from tests.referrals import matrix_meetings as meetings_matrix
from tests.referrals import matrix_referrer as referrer_matrix
from tests.referrals import matrix_triage as triage_matrix
from tests.reminders import matrix_inbox as inbox_matrix
from tests.reports import matrix_reports as reports_matrix
from tests.retention import matrix_retention as retention_matrix

APP_MATRICES = [
    referrer_matrix,
    triage_matrix,
    meetings_matrix,
    letters_matrix,
    lifecycle_matrix,
    enrolment_matrix,
    week_matrix,
    journey_matrix,
    inbox_matrix,
    reports_matrix,
    documents_matrix,
    delivery_matrix,
    login_matrix,
    retention_matrix,
    privacy_matrix,
    questionnaires_matrix,
]

NEW_PASSWORD = "ett-nytt-langt-losenord-77"

# name: (reverse kwargs or a function of `world` giving them, query string, expected answer to GET per role)
MATRIX: dict[str, tuple[Any, str, dict[str, object]]] = {
    "home:start": ({}, "", signed_in(200)),
    "login": ({}, "", every(200)),
    "logout": ({}, "", signed_in(405)),  # POST only
    "password_change": ({}, "", signed_in(200)),
    "password_change_done": ({}, "", signed_in(200)),
    "password_reset": ({}, "", every(200)),
    "password_reset_done": ({}, "", every(200)),
    "password_reset_confirm": ({"uidb64": "MQ", "token": "ogiltig"}, "", every(200)),  # "the link is invalid"
    "password_reset_complete": ({}, "", every(200)),
    "teams:detail": ({"slug": "halmstad-hylte"}, "", signed_in(200, steering=404, referrer=404)),
    "audit:log": ({}, "", signed_in(403, administrator=200, koordinator=200)),
    "audit:extract": ({}, "person=user:1", signed_in(403, administrator=200, koordinator=200)),
    "audit:actor_search": ({}, "actor_q=a", signed_in(403, administrator=200, koordinator=200)),
    "set_language": ({}, "", every(302)),
    "healthz": ({}, "", every(200)),
}

# name: Post row (tests/matrix_roles.py) for every pattern that accepts POST.
POSTS: dict[str, Post] = {
    # Signing out: whoever is signed in; a stranger is sent to the login page, with nothing to end.
    "logout": Post(
        answers=every(302, anonymous=LOGIN),
        changed=lambda p: p.role != "anonymous" and "_auth_user_id" not in p.client.session,
    ),
    # Signing in (as the handledare): anyone may; a signed-in user becomes the handledare.
    "login": Post(
        answers=every(302),
        data=lambda w: {"username": w["handledare"].email, "password": PASSWORD},
        changed=lambda p: p.client.session.get("_auth_user_id") == str(p.world["handledare"].pk),
    ),
    "password_change": Post(
        answers=signed_in(302),
        data={"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        changed=lambda p: (
            p.role != "anonymous" and User.objects.get(pk=p.world[p.role].pk).check_password(NEW_PASSWORD)
        ),
    ),
    # Anyone may ask for a reset link: the request is recorded and one e-mail waits in the outbox for
    # the worker, which alone looks up the address (docs/decisions/0017); nothing is sent in the request.
    "password_reset": Post(
        answers=every(302),
        data=lambda w: {"email": w["handledare"].email},
        changed=lambda p: (
            not mail.outbox
            and PasswordResetRequest.objects.filter(email=p.world["handledare"].email).exists()
            and Message.objects.filter(kind=Message.Kind.EMAIL, name="auth.password_reset").count() == 1
        ),
    ),
    # An invalid link: the page says so and nothing changes, whoever posts.
    "password_reset_confirm": Post(
        answers=every(Unchanged(200)),
        data={"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        changed=lambda p: any(User.objects.get(pk=p.world[r].pk).check_password(NEW_PASSWORD) for r in ROLES[1:]),
    ),
    "set_language": Post(
        answers=every(302),
        data={"language": "sv", "next": "/"},
        changed=lambda p: "django_language" in p.response.cookies,
    ),
}

for _module in APP_MATRICES:
    MATRIX.update(_module.ENTRIES)
    POSTS.update(getattr(_module, "POSTS", {}))

# The admin is one table entry: every admin page answers like its index.
ADMIN_NAMESPACE = "admin"
ADMIN_EXPECTED = every(ADMIN_LOGIN, administrator=200, anonymous=ANY_LOGIN)


def all_url_names(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    names = []
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            namespace = f"{prefix}{item.namespace}:" if item.namespace else prefix
            names.extend(all_url_names(item, namespace))
        elif isinstance(item, URLPattern):
            names.append(f"{prefix}{item.name}" if item.name else f"{prefix}<unnamed {item.pattern}>")
    return names


def test_every_url_pattern_is_in_the_matrix() -> None:
    missing = [name for name in all_url_names() if name not in MATRIX and not name.startswith(f"{ADMIN_NAMESPACE}:")]
    assert missing == [], f"Add these URL patterns to MATRIX in {__file__}: {missing}"


def answer_differs(response, expected: object) -> str | None:
    """None if the response is the expected answer, else what it was instead."""
    location = response.get("Location", "")
    if expected == LOGIN and response.get("HX-Redirect"):  # htmx: the whole page goes to the login page
        ok = response.status_code == 204 and response["HX-Redirect"].startswith(reverse("login"))
    elif expected == LOGIN:
        ok = response.status_code == 302 and location.startswith(reverse("login"))
    elif expected == ANY_LOGIN:
        ok = response.status_code == 302 and location.startswith((reverse("login"), reverse("admin:login")))
    elif expected == ADMIN_LOGIN:
        ok = response.status_code == 302 and location.startswith(reverse("admin:login"))
    else:
        ok = response.status_code == expected
    return None if ok else f"{response.status_code} {location}".strip()


def is_success(expected: object) -> bool:
    return isinstance(expected, int) and not isinstance(expected, Unchanged) and 200 <= expected < 400


def client_for(world: dict[str, Any], role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world[role])
    return client


def url_of(name: str, world: dict[str, Any], kwargs: Any = None) -> tuple[str, dict[str, Any]]:
    given, query, _ = MATRIX[name]
    kwargs = given if kwargs is None else kwargs
    if callable(kwargs):
        kwargs = kwargs(world)
    return reverse(name, kwargs=kwargs) + (f"?{query}" if query else ""), kwargs


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_the_matrix_says(shared_journey, name: str) -> None:
    url, _ = url_of(name, shared_journey)
    expected = MATRIX[name][2]
    wrong = {}
    for role in ROLES:
        with transaction.atomic():  # each role meets the same data
            got = answer_differs(client_for(shared_journey, role).get(url), expected[role])
            transaction.set_rollback(True)
        if got:
            wrong[role] = f"expected {expected[role]}, got {got}"
    assert wrong == {}, f"GET {url}"


@pytest.mark.parametrize("name", sorted(POSTS))
def test_post_answers_each_role_and_only_the_allowed_change(shared_journey, name: str) -> None:
    post = POSTS[name]
    url, kwargs = url_of(name, shared_journey, post.kwargs)
    wrong = {}
    for role in ROLES:
        mail.outbox.clear()  # a change may be an e-mail sent; each role starts with none
        with transaction.atomic():
            client = client_for(shared_journey, role)
            data = post.data(shared_journey) if callable(post.data) else post.data
            headers = {"HX-Request": "true"} if post.htmx else {}
            response = client.post(url, data, content_type=post.content_type, headers=headers)
            got = answer_differs(response, post.answers[role])
            changed = post.changed(
                Posted(role=role, world=shared_journey, kwargs=kwargs, client=client, response=response)
            )
            transaction.set_rollback(True)
        if got:
            wrong[role] = f"expected {post.answers[role]}, got {got}"
        elif changed != is_success(post.answers[role]):
            wrong[role] = f"answered {response.status_code} but the change {'did' if changed else 'did not'} happen"
    assert wrong == {}, f"POST {url}"


def test_every_pattern_that_accepts_post_has_a_post_row(shared_journey) -> None:
    """A pattern without a POSTS row must refuse POST (405): whatever accepts POST shows in the POST
    part of the matrix who may change, who gets 403 and who 404."""
    accepting = {}
    for name in sorted(set(MATRIX) - set(POSTS)):
        url, _ = url_of(name, shared_journey)
        # The method check (require_safe, require_POST, a class-based view's methods) comes before any
        # role check, so one role that may GET the page is enough to see whether POST is accepted.
        # Where nobody may GET it in this world (a 409 or 404 for all), any signed-in role will do.
        answers = MATRIX[name][2]
        role = next((r for r in ROLES if is_success(answers[r])), None) or next(r for r in ROLES if answers[r] != LOGIN)
        with transaction.atomic():
            status = client_for(shared_journey, role).post(url).status_code
            transaction.set_rollback(True)
        if status != 405:
            accepting[name] = f"{role} got {status}"
    assert accepting == {}, "These accept POST: add a Post row to POSTS beside their ENTRIES"


def admin_pages() -> list[str]:
    changelists = [
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        for model in admin.site._registry
        if model._meta.app_label in ADMINISTRATOR_APPS
    ]
    return ["admin:index", *changelists]


def test_admin_pages_answer_each_role(shared_journey) -> None:
    wrong = {}
    for role in ROLES:
        client = client_for(shared_journey, role)
        for name in admin_pages():
            got = answer_differs(client.get(reverse(name)), ADMIN_EXPECTED[role])
            if got:
                wrong[f"{role} {name}"] = f"expected {ADMIN_EXPECTED[role]}, got {got}"
    assert wrong == {}
