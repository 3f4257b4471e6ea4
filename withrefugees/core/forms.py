"""Form helpers shared by the apps: accessible error and help-text wiring."""

from django import forms


class AccessibleFormMixin:
    """Links each widget to its help text and error message (``aria-describedby``) and marks
    invalid fields (``aria-invalid``), matching the ids used by ``core/field.html``."""

    def _describe(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_help")
            if self.is_bound and self._errors is not None and name in self._errors:
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
            else:
                field.widget.attrs.pop("aria-describedby", None)

    def full_clean(self):
        super().full_clean()
        self._describe()


class AccessibleForm(AccessibleFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._describe()
