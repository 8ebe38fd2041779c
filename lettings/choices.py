"""Choice lists that the letting model and the visitor's filter form share."""

PROPERTY_TYPES = [
    ("house", "House"),
    ("apartment", "Apartment"),
    ("cabin", "Cabin"),
    ("cottage", "Cottage"),
    ("villa", "Villa"),
    ("townhouse", "Townhouse"),
    ("studio", "Studio"),
    ("other", "Other"),
]
