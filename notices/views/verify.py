"""Pages of notices: verify."""

from django.http import Http404


def verify_index(request):
    raise Http404


def verify_code(request, code):
    raise Http404
