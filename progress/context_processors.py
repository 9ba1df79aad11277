def navigation(request):
    """Which section of the navigation the current page belongs to."""
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else ""
    namespace = match.namespace if match else ""
    return {
        "current_url_name": name,
        "current_section": namespace
        + (":practices" if name.startswith(("practice", "resource")) else ""),
    }
