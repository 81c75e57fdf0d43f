from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.forms.utils import ErrorDict
from django.utils.decorators import method_decorator

from provenance.accounts import throttle

LOCKED_OUT_MESSAGE = "Too many failed attempts. Try again in a few minutes."


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
        if throttle.login_locked(username=username, address=address):
            # The credentials are not even checked while locked out: show the form with the lockout message.
            form = self.get_form()
            form._errors = ErrorDict()
            form.cleaned_data = {}
            form.add_error(None, LOCKED_OUT_MESSAGE)
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            response["Retry-After"] = str(settings.LOGIN_LOCKOUT_SECONDS)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.login_failed(username=self.request.POST.get("username", ""), address=client_address(self.request))
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.login_succeeded(username=form.get_user().get_username(), address=client_address(self.request))
        messages.success(self.request, f"Signed in as {form.get_user().get_username()}.")
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    pass
