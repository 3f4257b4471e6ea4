/* Sign form: enhance the local-government text field with an accessible autocomplete
   (accessible-autocomplete from npm). Without JavaScript the server resolves the typed
   name or offers a list to choose from. */
(function () {
  "use strict";
  // After a server-side error, take keyboard and screen-reader users to the summary.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  var host = document.querySelector(".autocomplete-host");
  var hidden = document.querySelector('input[name="local_government"]');
  if (!host || !hidden || !window.accessibleAutocomplete) return;
  var input = host.querySelector("input[name='place_query']");
  if (!input) return;
  var wrapper = document.createElement("div");
  input.parentNode.insertBefore(wrapper, input);
  var initial = input.value;
  var describedBy = input.getAttribute("aria-describedby");
  input.parentNode.removeChild(input);
  var url = host.getAttribute("data-search-url");
  var timer = null;
  window.accessibleAutocomplete({
    element: wrapper,
    id: "id_place_query",
    name: "place_query",
    defaultValue: initial,
    minLength: 1,
    showNoOptionsFound: true,
    displayMenu: "overlay",
    confirmOnBlur: false,
    templates: {
      inputValue: function (r) { return r ? r.label : ""; },
      suggestion: function (r) {
        if (!r) return "";
        var span = document.createElement("span");
        span.textContent = r.label + " — " + r.kind + (r.code ? " · " + r.code : "");
        return span.innerHTML;
      }
    },
    source: function (query, populate) {
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(query), {headers: {"Accept": "application/json"}})
          .then(function (r) { return r.json(); })
          .then(function (data) { populate(data.results); })
          .catch(function () { populate([]); });
      }, 150);
    },
    onConfirm: function (r) { if (r) hidden.value = r.id; },
    tNoResults: function () { return gettext("No local government found"); },
    tStatusQueryTooShort: function (n) { return interpolate(gettext("Type %s or more characters for results"), [n]); },
    tStatusNoResults: function () { return gettext("No search results"); },
    tStatusSelectedOption: function (sel, len, idx) { return interpolate(gettext("%s, %s of %s is highlighted"), [sel, idx + 1, len]); },
    tStatusResults: function (len, opt) { return interpolate(gettext("%s results are available. %s"), [len, opt]); },
    tAssistiveHint: function () { return gettext("When autocomplete results are available use up and down arrows to review and enter to select."); }
  });
  var field = document.getElementById("id_place_query");
  if (field) {
    if (describedBy) field.setAttribute("aria-describedby", (field.getAttribute("aria-describedby") || "") + " " + describedBy);
    field.addEventListener("input", function () { hidden.value = ""; });
  }
})();
