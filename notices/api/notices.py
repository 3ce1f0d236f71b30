"""notices/: list, create, detail, PATCH (a draft only), publish/, pdf/, history/."""

ROUTES: list = []
