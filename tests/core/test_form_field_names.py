"""No form field is named after a property or method of the HTML form element.

A control named ``matches`` hid ``HTMLFormElement.matches()`` from every script (the DOM's
named access on forms: https://html.spec.whatwg.org/multipage/forms.html#the-form-element,
"supported property names"), which broke Playwright's and any script's ``form.matches()``
or ``closest()`` on the pledge builder (issue 10). The kind: every field of every form of
the project, checked against the form element's own names."""

import importlib
import inspect
import pkgutil

from django import forms

import withrefugees

#: Properties and methods of HTMLFormElement and Element that scripts use; a control of one
#: of these names shadows it on its form.
FORM_ELEMENT_NAMES = frozenset({
    "action", "method", "target", "name", "id", "title", "lang", "dir", "hidden", "style",
    "submit", "reset", "requestSubmit", "checkValidity", "reportValidity", "elements",
    "length", "encoding", "enctype", "acceptCharset", "autocomplete", "noValidate",
    "matches", "closest", "contains", "children", "attributes", "dataset", "className",
    "classList", "tagName", "nodeName", "nodeType", "parentNode", "parentElement",
    "getAttribute", "setAttribute", "querySelector", "querySelectorAll", "addEventListener",
    "removeEventListener", "dispatchEvent", "focus", "blur", "click", "remove", "append",
    "innerHTML", "textContent", "ownerDocument", "rel", "relList",
})


#: Forms rendered only in a formset, whose prefix makes the control's name
#: ``<prefix>-<n>-<field>`` (e.g. ``partners-0-name``): no clash.
IN_FORMSETS_ONLY = {"withrefugees.events.forms.PartnerForm"}


def _form_classes():
    for module_info in pkgutil.walk_packages(withrefugees.__path__, "withrefugees."):
        if not module_info.name.rsplit(".", 1)[-1].startswith("forms"):
            continue
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_the_project_has_forms_to_check():
    assert len(list(_form_classes())) > 10


def test_no_form_field_shadows_the_form_elements_own_names():
    clashes = {f"{cls.__module__}.{cls.__name__}.{name}"
               for cls in _form_classes()
               if f"{cls.__module__}.{cls.__name__}" not in IN_FORMSETS_ONLY
               for name in getattr(cls, "base_fields", {})
               if name in FORM_ELEMENT_NAMES}
    assert not clashes
