"""Form helpers shared by the apps: accessible error and help-text wiring, control
characters refused and never shown again."""

from django import forms
from django.http import QueryDict

from .validators import control_characters_refusal, without_control_characters


class AccessibleFormMixin:
    """Links each widget to its help text and error message (``aria-describedby``) and marks
    invalid fields (``aria-invalid``), matching the ids used by ``core/field.html``.

    A submitted value with a control character (NUL, or another of category Cc except tab,
    LF, CR) makes its field invalid with one message that names the problem
    (``core.validators.control_characters_refusal``), in place of the field's own errors
    (Django's for NUL reads "enter some characters" in Japanese). A form shown again never
    contains control characters: they are removed from the submitted data after cleaning.
    """

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

    def _refuse_control_characters(self) -> None:
        found = False
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            # As sent (a checkbox widget turns any value into True) and as the widget reads
            # it (widgets of several inputs read "name_0", "name_1"...).
            value = field.widget.value_from_datadict(self.data, self.files, key)
            values = [*(self.data.getlist(key) if hasattr(self.data, "getlist")
                        else [self.data.get(key)]),
                      *(value if isinstance(value, list | tuple) else [value])]
            refusal = next((error for error in (control_characters_refusal(v)
                                                for v in values if isinstance(v, str))
                            if error), None)
            if refusal:
                found = True
                self._errors.pop(name, None)
                self.add_error(name, refusal)
        if found:
            self.data = _without_control_characters(self.data)

    def full_clean(self):
        super().full_clean()
        if self.is_bound:
            self._refuse_control_characters()
        self._describe()


class AccessibleForm(AccessibleFormMixin, forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._describe()


def _without_control_characters(data):
    """A copy of submitted form data (``QueryDict`` or ``dict``) with control characters
    removed from every string value."""
    def clean(value):
        return without_control_characters(value) if isinstance(value, str) else value

    if isinstance(data, QueryDict):
        copy = data.copy()
        for key, values in data.lists():
            copy.setlist(key, [clean(v) for v in values])
        return copy
    return {key: ([clean(v) for v in value] if isinstance(value, list) else clean(value))
            for key, value in data.items()}
