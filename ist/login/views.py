"""The second step of login, enrolment, the user's own factors, and the administrator's reset."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from ist.http import AuthenticatedHttpRequest
from ist.login import factors, stash
from ist.login.forms import AppCodeForm, CodeForm, ResetForm
from ist.login.lockout import locked_out, record_second_step_failure
from ist.login.models import SecondFactorReset
from ist.login.policy import RECOVERY, device_kind, has_factor
from ist.login.qr import qr_data_uri
from teams.models import User

ENROLLING = "ist_totp_enrolling"


def _next(request: AuthenticatedHttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _complete(request: AuthenticatedHttpRequest, user: User) -> None:
    """The login is complete: the account's failed attempts are forgotten (see ist.login.signals)."""
    axes_reset(username=user.email.lower())


def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The second step: a code from the app or a recovery code, or a passkey (static/js/passkey.js)."""
    user, next_url = request.user, _next(request)
    if user.is_verified():
        return redirect(next_url)
    if not has_factor(user):
        return redirect(_with_next("signin:enrol", next_url))
    if refused := locked_out(request, user):
        return refused
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = factors.verify_code(user=user, token=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            _complete(request, user)
            if device_kind(device) == RECOVERY:
                left = factors.recovery_codes_left(user)
                messages.warning(
                    request, f"Du loggade in med en reservkod. Du har {left} kvar; skapa nya under Tvåstegsverifiering."
                )
            return redirect(next_url)
        if refused := record_second_step_failure(request, user):
            return refused
        form.add_error("code", "Koden stämmer inte. Skriv den kod appen visar nu, eller en oanvänd reservkod.")
    passkeys = WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    return render(request, "login/verify.html", {"form": form, "next": next_url, "passkeys": passkeys})


def _may_enrol(request: AuthenticatedHttpRequest) -> bool:
    """Enrolling needs the second factor already given, unless the user has none yet (the first
    login, or after an administrator's reset): a password alone must not add a factor."""
    return request.user.is_verified() or not has_factor(request.user)


@require_GET
def enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    next_url = _next(request)
    if not _may_enrol(request):
        return redirect(_with_next("signin:verify", next_url))
    return render(request, "login/enrol.html", {"next": next_url})


def enrol_totp(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An authenticator app: the QR code with the secret beside it, confirmed by one code."""
    user, next_url = request.user, _next(request)
    if not _may_enrol(request):
        return redirect(_with_next("signin:verify", next_url))
    device = None
    if request.method == "POST":
        device = TOTPDevice.objects.filter(user=user, pk=request.session.get(ENROLLING), confirmed=False).first()
    if device is None:
        device = factors.totp_begin(user=user)
        request.session[ENROLLING] = device.pk
    form = AppCodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        confirmed = factors.totp_confirm(user=user, device_id=device.pk, token=form.cleaned_data["code"])
        if confirmed is not None:
            request.session.pop(ENROLLING, None)
            return _enrolled(request, user, confirmed, next_url)
        form.add_error("code", "Koden stämmer inte. Skriv den kod appen visar nu (den byts var 30:e sekund).")
    secret = device.config_url.split("secret=")[1].split("&")[0]
    context = {
        "form": form,
        "next": next_url,
        "qr": qr_data_uri(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "login/enrol_totp.html", context)


def _enrolled(request: AuthenticatedHttpRequest, user: User, device: object, next_url: str) -> HttpResponse:
    first = not request.user.is_verified()
    if first:
        otp_login(request, device)
        _complete(request, user)
    messages.success(request, "Klart: autentiseringsappen är kopplad till ditt konto.")
    return redirect(_with_next("signin:recovery_codes", next_url))


@require_GET
def enrol_passkey(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A passkey or security key; the ceremony runs in static/js/passkey.js against django-otp-webauthn."""
    next_url = _next(request)
    if not _may_enrol(request):
        return redirect(_with_next("signin:verify", next_url))
    return render(
        request, "login/enrol_passkey.html", {"next": next_url, "done": _with_next("signin:recovery_codes", next_url)}
    )


def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Shows new recovery codes once: after enrolment (issued if the user has none) or when the
    user asks for new ones (POST; the old ones stop working)."""
    user, next_url = request.user, _next(request)
    codes = None
    if request.method == "POST":
        codes = factors.recovery_codes_issue(user=user)
        messages.success(request, "Nya reservkoder är skapade. De gamla fungerar inte längre.")
    elif factors.recovery_codes_left(user) == 0:  # just enrolled, or every code used
        codes = factors.recovery_codes_issue(user=user)
    context = {"codes": codes, "left": factors.recovery_codes_left(user), "next": next_url}
    return render(request, "login/recovery_codes.html", context)


@require_GET
def factor_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {
        "factors": factors.factors_of(request.user),
        "left": factors.recovery_codes_left(request.user),
        "here": reverse("signin:factors"),
    }
    return render(request, "login/factors.html", context)


@require_POST
def factor_remove(request: AuthenticatedHttpRequest, kind: str, pk: int) -> HttpResponse:
    if factors.factor_remove(user=request.user, kind=kind, pk=pk):
        messages.success(request, "Faktorn är borttagen.")
    elif len(factors.factors_of(request.user)) <= 1:
        messages.error(request, "Du kan inte ta bort din enda faktor. Lägg först till en annan.")
    else:
        messages.info(request, "Faktorn var redan borttagen.")
    return redirect("signin:factors")


def factor_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An administrator removes a user's factors after checking who they are outside the app."""
    if not request.user.is_administrator:
        raise Http404
    target = get_object_or_404(User, pk=pk)
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reset = factors.factors_reset(user=target, by=request.user, reason=form.cleaned_data["reason"])
        if reset is None:
            messages.info(request, f"{target} har ingen tvåstegsverifiering att återställa.")
        else:
            messages.success(
                request, f"Tvåstegsverifieringen för {target} är återställd. Hen kopplar en ny vid nästa inloggning."
            )
        return redirect("admin:teams_user_change", target.pk)
    context = {
        "form": form,
        "target": target,
        "factors": factors.factors_of(target),
        "resets": SecondFactorReset.objects.filter(user=target).select_related("by")[:10],
    }
    return render(request, "login/reset.html", context)


@require_GET
def keepalive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Fortsätt arbeta": any request renews the idle limit (SESSION_SAVE_EVERY_REQUEST)."""
    return HttpResponse(status=204)


def restore(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Back to a form that was sent after the session ended, with what the user typed."""
    if request.method == "POST":
        stash.discard(request)
        messages.info(request, "Det du skrev är slängt.")
        return redirect("home:start")
    kept = stash.take(request)
    if kept is None:
        return redirect("home:start")
    return render(request, "login/restore.html", {"kept": kept})
