from portal.design.display import display_for


def design(request):
    """What every page needs from the design system: the resident's display choices."""
    return {"display": display_for(request)}
