"""Public pages of step 1. Thin: forms validate, services write, selectors read."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited
from django_ratelimit.decorators import ratelimit

from withrefugees.core.net import client_ip
from withrefugees.core.outbox import outbox_for_record
from withrefugees.places.models import Country
from withrefugees.places.selectors import local_government_resolve
from withrefugees.places.services import SubmittedPlace

from . import selectors, services, tasks, tokens
from .forms import DirectoryForm, SignForm, new_submission_key
from .models import Signature

SESSION_KEY = "campaign_signature_id"
CONFIRMED_KEY = "campaign_confirmed_signature_id"
TOKEN_KEY = "campaign_confirmation_token"  # the emailed link's token, off the address bar


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "campaign/home.html", {
        "counts": selectors.signature_counts(),
        "recent": selectors.public_signatures().order_by("-published_at")[:8],
    })


def statement(request: HttpRequest) -> HttpResponse:
    return render(request, "campaign/statement.html",
                  {"text": selectors.statement_text_current()})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "campaign/privacy.html")


def _status_message(signature: Signature) -> str:
    if signature.status == Signature.Status.PUBLISHED:
        return _("%(lg)s has already signed the statement; it is listed in the directory. "
                 "To change the signature, contact the campaign team at %(email)s.")
    return _("A signature for %(lg)s has already been submitted and is awaiting review by "
             "UNHCR. If you have questions, contact the campaign team at %(email)s.")


def _statement_changed(form: SignForm, text) -> bool:
    """True (and the form asks for consent again) when the statement shown when the form
    was opened is no longer the current text: a signature records what the signer read."""
    if form.cleaned_data.get("statement_hash") == text.content_hash:
        return False
    form.data["consent_statement"] = ""
    form.add_error("consent_statement", _("The statement has been updated since you opened "
                                          "this page. Please read the current text above and "
                                          "tick the box again."))
    return True


def _preselected_place(value: str) -> dict:
    """Initial place fields for ``/sign/?lg=<id>`` (the join link of a profile page): the
    reference local government ``id`` shown by its label, or nothing for any other value."""
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        return {}
    resolution = local_government_resolve(query="", chosen_id=int(value))
    lg = resolution.local_government
    return {"place_query": lg.label, "local_government": lg.pk} if lg else {}


# Limits on the sender of the sign form (issue 6, section 8; the per-mailbox rule is in
# ``services.signature_submit``). Over a limit the form is shown again with everything kept.
# - per IP address, SIGN_RATE_IP (100 POSTs an hour): generous, since many municipal offices
#   reach the internet through a few shared gateways (LGWAN; a prefecture has at most ~70
#   local governments, each sending the form a few times when correcting errors);
# - per browser, SIGN_RATE_BROWSER (20 POSTs an hour): one person, corrections included.
#   The browser is its session, else its CSRF cookie (every accepted POST carries one); a
#   sender who drops cookies escapes it, which is why the IP limit and the per-mailbox
#   rule (counted per sender network) stay.
SIGN_RATE_IP = "100/h"
SIGN_RATE_BROWSER = "20/h"


def _browser(group: str, request: HttpRequest) -> str:
    return (request.session.session_key
            or request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""))


def _browser_rate(group: str, request: HttpRequest) -> str | None:
    return SIGN_RATE_BROWSER if _browser(group, request) else None


def _sender_limit_message(request: HttpRequest) -> str | None:
    """Count this POST against the sender limits; the message to show when over one."""
    if getattr(request, "limited", False):  # per IP (the decorator on ``sign``)
        return _("Too many forms have been sent from your network in the last hour. Please "
                 "wait a while and send the form again; what you entered is kept.")
    if is_ratelimited(request, group="campaign.sign.browser", key=_browser,
                      rate=_browser_rate, method="POST", increment=True):
        return _("Too many forms have been sent from this browser in the last hour. Please "
                 "wait a while and send the form again; what you entered is kept.")
    return None


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate=SIGN_RATE_IP, method="POST", block=False)
def sign(request: HttpRequest) -> HttpResponse:
    text = selectors.statement_text_current()
    if text is None:
        raise Http404("No statement has been published yet.")
    already = None
    # A new submission key for every page shown; a form shown again keeps the one it has.
    initial = {"statement_hash": text.content_hash, "submission_key": new_submission_key()}
    if request.method != "POST":
        initial.update(_preselected_place(request.GET.get("lg", "")))
    form = SignForm(request.POST or None, initial=initial)
    limited = _sender_limit_message(request) if request.method == "POST" else None
    if limited:
        form.is_valid()
        form.add_error(None, limited)
    elif request.method == "POST" and form.is_valid() and not _statement_changed(form, text):
        data = form.cleaned_data
        lg = data["resolved_local_government"]
        new_place = None if lg else SubmittedPlace(
            name=data["new_name"], country=Country.objects.get(pk=data["new_country"]),
            region_text=data["new_region"])
        try:
            signature = services.signature_submit(
                local_government=lg, new_place=new_place, statement_text=text,
                language=get_language()[:2],
                signatory_name=data["signatory_name"], signatory_title=data["signatory_title"],
                contact_name=data["contact_name"], department=data["department"],
                email=data["email"], website=data["website"], message=data["message"],
                submission_key=data["submission_key"],
                sender=services.sender_of(client_ip(request)),
            )
        except services.AlreadySigned as exc:
            already = _status_message(exc.signature) % {
                "lg": exc.signature.local_government.label,
                "email": settings.CAMPAIGN_CONTACT_EMAIL}
        except services.MailboxLimited as exc:
            form.add_error("email", exc.message)
        else:
            if _may_follow(request, signature, key=data["submission_key"]):
                request.session[SESSION_KEY] = signature.pk
                return redirect("campaign:sign_sent")
            # The same details without a key, from the same network, as a signature this
            # browser did not send: nothing new is recorded, and its page is not given out.
            already = _("These details were sent a few minutes ago. The confirmation email "
                        "has gone to the address given: please open the link in it.")
    return render(request, "campaign/sign.html", {
        "form": form, "text": text, "already": already,
        "candidates": form.candidates if form.is_bound else [],
    }, status=400 if form.is_bound and (form.errors or already) else 200)


def _may_follow(request: HttpRequest, signature: Signature, *, key: str) -> bool:
    """Whether this browser may follow ``signature``'s "sent" page (its status, sending
    it again): it was recorded by this request, or by an earlier POST of the same page
    (the same submission key, known only to the browser that was shown it), or the
    session has it already. Not for a submission without a key that repeats another
    browser's signature from the same network (a shared municipal gateway)."""
    return bool(getattr(signature, "created_by_this_call", False)
                or (key and signature.submission_key == key)
                or request.session.get(SESSION_KEY) == signature.pk)


def _session_signature(request: HttpRequest) -> Signature | None:
    pk = request.session.get(SESSION_KEY)
    return Signature.objects.filter(pk=pk).select_related("local_government").first() if pk \
        else None


def sign_sent(request: HttpRequest) -> HttpResponse:
    """After signing: check your mailbox. The page follows the latest confirmation email
    (the outbox): on its way while pending, sent, or could not be delivered (with the
    reason in plain words and the campaign's address to contact)."""
    signature = _session_signature(request)
    if signature is None:
        return redirect("campaign:sign")
    email = outbox_for_record(signature).filter(kind=tasks.CONFIRM).first()
    return render(request, "campaign/sign_sent.html", {
        "signature": signature, "email": email,
        "contact_email": settings.CAMPAIGN_CONTACT_EMAIL})


def _resend(request: HttpRequest, signature: Signature) -> None:
    try:
        services.signature_resend_confirmation(signature=signature)
    except services.InvalidTransition:
        messages.info(request, _("This email address has already been confirmed."))
    except services.ResendLimited as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("We have sent the confirmation email again."))


@require_POST
@ratelimit(key="ip", rate="10/h", block=True)
def resend(request: HttpRequest) -> HttpResponse:
    signature = _session_signature(request)
    if signature is None:
        return redirect("campaign:sign")
    _resend(request, signature)
    return redirect("campaign:sign_sent")


def _confirm(request: HttpRequest, token: str, *, keep_in_session: bool) -> HttpResponse:
    """GET: the page with the confirm button (or, with ``keep_in_session``, the token kept in
    the session and a redirect to the address without it); POST: confirm or re-send. A
    token that cannot be used gives an error page with status 400."""
    context = {}
    try:
        if request.method == "POST":
            if request.POST.get("action") == "resend":
                return _resend_expired(request, token)
            signature = services.signature_confirm(token=token)
            request.session.pop(TOKEN_KEY, None)
            request.session[CONFIRMED_KEY] = signature.pk
            return redirect("campaign:confirmed")
        context["signature"] = tokens.signature_for_token(token)
        if keep_in_session:
            request.session[TOKEN_KEY] = token
            return redirect("campaign:confirm_link")
        return render(request, "campaign/confirm.html", context)
    except tokens.TokenExpired as exc:
        # The page's "send a new link" form posts to the address without the token.
        request.session[TOKEN_KEY] = token
        context.update(error="expired", signature=exc.signature)
    except tokens.TokenUsed as exc:
        context.update(error="used", signature=exc.signature)
    except tokens.TokenInvalid:
        context.update(error="invalid")
    except services.AlreadySigned as exc:
        context.update(error="already", message=_status_message(exc.signature) % {
            "lg": exc.signature.local_government.label,
            "email": settings.CAMPAIGN_CONTACT_EMAIL})
    return render(request, "campaign/confirm_error.html", context, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate="30/h", method="POST", block=True)
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link ``/sign/confirm/<token>/``. GET (also a mail scanner's) never
    confirms: it keeps a usable token in the session and redirects to ``confirm_link``, so
    the token leaves the address bar and appears in no later request line or ``Referer``
    (as Django's password reset does). POST (pages sent before this change) works as
    on ``confirm_link``."""
    return _confirm(request, token, keep_in_session=True)


@require_http_methods(["GET", "HEAD", "POST"])
@ratelimit(key="ip", rate="30/h", method="POST", block=True)
def confirm_link(request: HttpRequest) -> HttpResponse:
    """``/sign/confirm/``: the confirm page for the token kept in the session by
    ``confirm``; its button posts here. Without a token: the "link not valid" page (400)."""
    return _confirm(request, request.session.get(TOKEN_KEY, ""), keep_in_session=False)


def confirmed(request: HttpRequest) -> HttpResponse:
    """After the confirm POST (redirect-after-POST: reloading does not post again)."""
    pk = request.session.get(CONFIRMED_KEY)
    signature = Signature.objects.filter(pk=pk).select_related("local_government").first() \
        if pk else None
    if signature is None:
        return redirect("campaign:home")
    return render(request, "campaign/confirmed.html", {"signature": signature})


def _resend_expired(request: HttpRequest, token: str) -> HttpResponse:
    """From the expired-link page: re-send to the address given when signing."""
    try:
        tokens.signature_for_token(token)
    except tokens.TokenExpired as exc:
        request.session[SESSION_KEY] = exc.signature.pk
        _resend(request, exc.signature)
        return redirect("campaign:sign_sent")
    except services.ServiceError:
        pass
    return redirect("campaign:confirm_link")


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryForm(request.GET or None)
    params: dict = {}
    if form.is_bound:
        # A value not understood is left out of cleaned_data and named on the page; the
        # valid filters still apply.
        form.is_valid()
        params = form.cleaned_data
    ignored = [str(form.fields[name].label) for name in form.errors if name in form.fields]
    qs = selectors.directory(query=params.get("q", ""), country=params.get("country", ""),
                             prefecture=params.get("prefecture", ""),
                             sort=params.get("sort") or "name")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "campaign/directory.html", {
        "form": form, "page": page, "query_string": query.urlencode(), "ignored": ignored,
        # Nothing listed: the places searched for that have not signed, with their pages.
        "unsigned": (selectors.unsigned_matches(params["q"], country=params.get("country", ""),
                                                prefecture=params.get("prefecture", ""))
                     if params.get("q") and not page.object_list else []),
        **selectors.directory_filters(),
    })


def signatory_map(request: HttpRequest) -> HttpResponse:
    return render(request, "campaign/map.html", {
        "points": selectors.map_points(),
        "tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    })
