from django.utils import timezone, translation


class UserLanguageMiddleware:
    """A signed-in learner's language preference (User.language) wins over the cookie and the
    browser's Accept-Language, which Django's LocaleMiddleware reads before the user is known; a blank
    preference leaves LocaleMiddleware's choice. Goes after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class UserTimezoneMiddleware:
    """Show dates in the signed-in user's time zone (stored in UTC, displayed locally)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
