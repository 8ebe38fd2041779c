"""The visitor's filter form on the lettings listing (``?state=GA&city=Brunswick``)."""

from urllib.parse import urlencode

from django import forms

from .us_states import US_STATES


class LettingFilterForm(forms.Form):
    """Filters the listing by state and city; unknown values give a form error, never a crash."""

    state = forms.ChoiceField(
        choices=[("", "Any state"), *US_STATES],
        required=False,
        error_messages={"invalid_choice": "“%(value)s” is not a US state code. Choose a state from the list."},
    )
    city = forms.CharField(max_length=64, required=False, strip=True)

    def full_clean(self) -> None:
        """Upper-case the submitted state before the choice check, so ``?state=ga`` works too."""
        if self.is_bound and "state" in self.data:
            data = self.data.copy()
            data["state"] = data["state"].strip().upper()
            self.data = data
        super().full_clean()

    def filter(self, lettings):
        """Return ``lettings`` narrowed to the cleaned state and city."""
        if state := self.cleaned_data.get("state"):
            lettings = lettings.filter(address__state=state)
        if city := self.cleaned_data.get("city"):
            lettings = lettings.filter(address__city__iexact=city)
        return lettings

    def query_string(self) -> str:
        """Return the valid filters as a query string, for pagination links to keep them."""
        if not self.is_bound or not self.is_valid():
            return ""
        values = {key: value for key, value in self.cleaned_data.items() if value}
        return urlencode(values)
