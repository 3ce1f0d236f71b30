"""HTML pages for in-app notifications (core.notifications): the list, the unread badge in
the top bar, opening one (marks it read), marking read."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .input import as_id
from .notifications import notification_list as notifications_of
from .notifications import notification_mark_read as mark_read

PAGE_SIZE = 30


@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    qs = notifications_of(user=request.user, unread_only=unread_only)
    return render(request, "core/notification_list.html", {
        "page_obj": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")),
        "unread_only": unread_only,
        "unread_count": notifications_of(user=request.user, unread_only=True).count(),
    })


@login_required
def notification_badge(request):
    """The top bar's unread count, fetched by htmx after the page loads so that no page pays
    a query for it."""
    count = notifications_of(user=request.user, unread_only=True).count()
    return render(request, "core/_notification_badge.html", {"unread_count": count})


@login_required
def notification_open(request, pk: int):
    """Mark one notification read and follow its link (only ever to this site)."""
    notification = get_object_or_404(notifications_of(user=request.user), pk=pk)
    mark_read(user=request.user, ids=[notification.pk])
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return redirect(link)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_mark_read(request):
    """Mark the chosen notifications read, or all of them when none is chosen."""
    if "ids" in request.POST:
        ids = [as_id(i) for i in request.POST.getlist("ids")]
        mark_read(user=request.user, ids=[i for i in ids if i is not None])
    else:
        mark_read(user=request.user)
    nxt = request.POST.get("next", "")
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return redirect(nxt)
    return redirect("notifications:list")
