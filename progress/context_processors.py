def navigation(request):
    """The current page's URL name, so the navigation can mark where the person is."""
    match = getattr(request, "resolver_match", None)
    return {"current_url_name": match.url_name if match else ""}
