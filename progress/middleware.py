from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """French for everyone unless the person chose another language.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and a facilitator
    whose browser is set to English would get an English UI they never asked for.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
