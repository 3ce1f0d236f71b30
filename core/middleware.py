from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Simplified Chinese unless the person chose otherwise.

    Pages ignore the browser's Accept-Language: a clerk on an English-language browser still
    works in Chinese until they press the English switch (a cookie). API clients are programs
    that ask on purpose, so the API honours Accept-Language."""

    def process_request(self, request):
        if not request.path_info.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
