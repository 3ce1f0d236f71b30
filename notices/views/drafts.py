"""Pages of notices: drafts."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


notice_list = notice_create_view = notice_detail = notice_edit_view = _todo
notice_preview = notice_publish_view = notice_pdf = _todo
