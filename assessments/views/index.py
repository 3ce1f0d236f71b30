"""The assessments hub (/assessments/): every mechanism in one place, what the user may enter
offered only where permissions.can_write says so."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .. import permissions


@login_required
def index(request):
    return render(request, "assessments/index.html", {"can_write": permissions.can_write(request.user)})
