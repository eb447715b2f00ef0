"""Saved places: home is on the profile; these are the other places a resident often goes."""

from django import forms
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portal.accounts.decorators import resident_required
from portal.accounts.models import SavedPlace


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
        place = form.save(commit=False)
        place.resident = request.user
        place.save()
        return redirect("saved_places")
    places = request.user.saved_places.all()
    return render(request, "accounts/saved_places.html", {"form": form, "places": places})


@resident_required
@require_POST
def remove_place(request, place_id):
    get_object_or_404(SavedPlace, pk=place_id, resident=request.user).delete()
    return redirect("saved_places")
