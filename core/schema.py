"""The OpenAPI schema tells every status an operation can answer (issue 7, item 13): the
error answers the exception handler and the middleware give are added to each operation,
where they apply, so that a client (and schemathesis --checks all) finds no surprise."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """{"detail": "..."}: 401, 403, 404, 413, 503, and a 400 not tied to one field."""

    detail = serializers.CharField()


class ConflictSerializer(serializers.Serializer):
    """409: the action is not allowed in the object's current state (API.md, "Errors")."""

    detail = serializers.CharField()
    state = serializers.CharField(required=False)


# 400: DRF's field errors ({"field": ["message"], ...}) or {"detail": "..."}.
FIELD_ERRORS_SCHEMA = {
    "type": "object",
    "description": '{"field": ["message"]} per field, or {"detail": "..."}',
    "additionalProperties": {},
}

DESCRIPTIONS = {
    400: "请求有误：字段错误，或不合法的查询参数",
    401: "未登录，或令牌无效",
    403: "无权执行此操作",
    404: "对象不存在或不在可见范围内",
    409: "对象当前状态不允许此操作",
    413: "请求内容过大",
    415: "不支持的请求内容类型（Content-Type）",
    503: "数据库或消息队列暂时无法访问，稍后重试",
}


class AutoSchema(SpectacularAutoSchema):
    def get_filter_backends(self):
        """A list's filters are documented on the list only: detail routes and their actions
        (history/, timeline/, panel/) ignore them (core.api_filters)."""
        if getattr(self.view, "detail", False):
            return []
        return super().get_filter_backends()

    def _error_statuses(self) -> list[int]:
        method = self.method.upper()
        public = not self.get_auth()
        statuses = [400, 503]
        if not public:
            statuses += [401, 403]
        # A detail route's object, or a list's page past the end (?page=99).
        if "{" in self.path or (method == "GET" and self._is_list_view()):
            statuses.append(404)
        if method in ("POST", "PUT", "PATCH", "DELETE") and not public:
            statuses.append(409)
        if method in ("POST", "PUT", "PATCH"):
            statuses += [413, 415]
        return sorted(statuses)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        conflict = self.resolve_serializer(ConflictSerializer, "response").ref
        for code in self._error_statuses():
            if str(code) in responses:
                continue
            schema = {400: FIELD_ERRORS_SCHEMA, 409: conflict}.get(code, error)
            responses[str(code)] = {
                "description": DESCRIPTIONS[code],
                "content": {"application/json": {"schema": schema}},
            }
        return responses


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """core.authentication.TokenAuthentication (knox tokens, hashed at rest) in the schema, as
    DRF's own token scheme was: `Authorization: Token <token>` (API.md)."""

    target_class = "core.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": '令牌认证，须带前缀 "Token"，例如 "Token 9944b09199c62bcf…"',
        }
