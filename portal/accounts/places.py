"""Saved places: home is on the profile; these are the other places a resident often goes."""

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts import api
from portal.accounts.decorators import resident_required
from portal.accounts.models import SavedPlace
from portal.acting import Acting


class SavedPlaceForm(forms.ModelForm):
    class Meta:
        model = SavedPlace
        fields = ["label", "address", "landmark"]


@resident_required
@require_http_methods(["GET", "POST"])
def saved_places(request):
    """The list, with a small form to add one more."""
    form = SavedPlaceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        api.add_saved_place(Acting.by_resident(request.user), **form.cleaned_data)
        return redirect("saved_places")
    places = request.user.saved_places.all()
    return render(request, "accounts/saved_places.html", {"form": form, "places": places})


@resident_required
@require_POST
def remove_place(request, place_id):
    place = get_object_or_404(SavedPlace, pk=place_id, resident=request.user)
    api.remove_saved_place(Acting.by_resident(request.user), place)
    return redirect("saved_places")
