"""The API's body parsers (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES): DRF's, with two rules
added where the body is read, so that no view can miss them:

- a body that cannot be parsed is a 400 with a Chinese message, never a 500 (DRF lets a
  RecursionError from deeply nested JSON through);
- a NUL anywhere in the data is a 400 naming the field (core.input)."""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

from .input import nul_errors


def _cause(exc: ParseError) -> str:
    """What the underlying parser said (DRF prefixes it with an English phrase)."""
    return str(exc.__context__ or exc.detail)


def _checked(data):
    errors = nul_errors(data)
    if errors:
        raise ValidationError(errors)
    return data


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            message = _("请求内容不是有效的 JSON：%(error)s") % {"error": _cause(exc)}
            raise ParseError(message) from exc
        except RecursionError as exc:
            raise ParseError(_("请求内容的 JSON 嵌套层次过深。")) from exc
        return _checked(data)


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _checked(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            result = super().parse(stream, media_type, parser_context)
        except ParseError as exc:
            message = _("无法解析上传的表单数据：%(error)s") % {"error": _cause(exc)}
            raise ParseError(message) from exc
        _checked(result.data)
        return result
