"""Pages of notices: batch."""

from django.http import Http404


def batch_publish_view(request):
    raise Http404
