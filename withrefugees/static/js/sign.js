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
  var latest = 0;  // number of the latest search sent
  var busy = "";  // the server's message while the search is rate limited
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
        // Only the answer to the latest query is shown: an older, slower answer is dropped.
        var asked = ++latest;
        fetch(url + "?q=" + encodeURIComponent(query), {headers: {"Accept": "application/json"}})
          .then(function (r) { return r.json(); })
          .then(function (data) {
            if (asked !== latest) return;
            // Over the rate limit the server answers {"busy": true, "message": ...}.
            busy = data.busy ? data.message : "";
            populate(data.results || []);
          })
          .catch(function () { if (asked === latest) { busy = ""; populate([]); } });
      }, 150);
    },
    onConfirm: function (r) { if (r) hidden.value = r.id; },
    tNoResults: function () { return busy || gettext("No local government found"); },
    tStatusQueryTooShort: function (n) { return interpolate(gettext("Type %s or more characters for results"), [n]); },
    tStatusNoResults: function () { return gettext("No search results"); },
    tStatusSelectedOption: function (sel, len, idx) { return interpolate(gettext("%s, %s of %s is highlighted"), [sel, idx + 1, len]); },
    tStatusResults: function (len, opt) { return interpolate(gettext("%s results are available. %s"), [len, opt]); },
    tAssistiveHint: function () { return gettext("When autocomplete results are available use up and down arrows to review and enter to select."); }
  });
  var field = document.getElementById("id_place_query");
  if (field) {
    // The field's help text and server error stay in aria-describedby: the library
    // re-renders the attribute with only its own hint (or none after the first
    // keystroke), so our ids are put back after each of its changes.
    var ours = (describedBy || "").split(/\s+/).filter(Boolean);
    var keepDescriptions = function () {
      var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      var missing = ours.filter(function (id) { return ids.indexOf(id) === -1; });
      if (missing.length) field.setAttribute("aria-describedby", ids.concat(missing).join(" "));
    };
    keepDescriptions();
    if (ours.length && window.MutationObserver) {
      new MutationObserver(keepDescriptions).observe(field, {attributes: true, attributeFilter: ["aria-describedby"]});
    }
    field.addEventListener("input", function () { hidden.value = ""; });
    // Escape on a highlighted option closes the list and takes focus back to the field
    // (the library removes the focused option, which leaves focus on the page body).
    // Capture phase: the field takes focus before the library closes the menu.
    wrapper.addEventListener("keydown", function (e) {
      if ((e.key === "Escape" || e.key === "Esc") && e.target !== field &&
          e.target.classList && e.target.classList.contains("autocomplete__option")) {
        field.focus();
      }
    }, true);
  }
})();
