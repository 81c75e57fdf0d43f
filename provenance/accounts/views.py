from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.forms.utils import ErrorDict
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import Resolver404, resolve
from django.utils.decorators import method_decorator

from provenance.accounts import throttle


def client_address(request) -> str:
    """The address failures are counted against.

    Behind a reverse proxy (BEHIND_PROXY, which sets SECURE_PROXY_SSL_HEADER) every request comes from the
    proxy: counting failures against it would let five bad passwords lock everyone out. The proxy appends
    the real client address to X-Forwarded-For; only that last entry is trusted (earlier ones are whatever
    the client sent).
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1][:64]
    return request.META.get("REMOTE_ADDR", "unknown")


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        address = client_address(request)
        if lockout := throttle.login_lockout(username=username, address=address):
            # The credentials are not even checked while locked out: show the form with the lockout message.
            form = self.get_form()
            form._errors = ErrorDict()
            form.cleaned_data = {}
            form.add_error(None, lockout)
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = str(settings.LOGIN_LOCKOUT_SECONDS)
            return response
        return super().post(request, *args, **kwargs)

    def get_redirect_url(self) -> str:
        """The `next` page, unless it is a sign-out URL: signing in must not lead straight to signing out."""
        url = super().get_redirect_url()
        if url:
            try:
                match = resolve(urlsplit(url).path)
            except Resolver404:
                return url
            if match.url_name == "logout":
                return ""
        return url

    def form_invalid(self, form):
        throttle.login_failed(username=self.request.POST.get("username", ""), address=client_address(self.request))
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.login_succeeded(username=form.get_user().get_username(), address=client_address(self.request))
        messages.success(self.request, f"Signed in as {form.get_user().get_username()}.")
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """Signing out is a POST (with its CSRF token); a GET, such as a typed or bookmarked /logout/, shows
    a page with the "Sign out" button instead of a blank 405."""

    http_method_names = ["get", "post", "options"]
    template_name = "accounts/logout.html"

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
        return super().get(request, *args, **kwargs)
