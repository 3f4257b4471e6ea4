/* The pledge builder (workspace): an enhancement only; the form saves without it.
   - Autosave: when something changed, the form is posted in the background every
     data-autosave-seconds (20) to the form's own address with the header
     X-Requested-With: XMLHttpRequest; the JSON reply gives the time saved and the checklist
     (refreshed here), or the errors (listed in the live region #autosave-status, each with
     a link to its field). A new pledge's first save gives its address: the form posts
     there from then on (and the address bar shows it). Nothing is autosaved before the
     pledge has a title (a draft needs one).
   - Once the officer clicks "Save draft" or "Save and submit to UNHCR", no autosave starts
     (an older text must not land after the final one). A click while an autosave is in
     flight waits for its reply (at most WAIT_MS), then posts: to the new pledge's address
     if that reply gave it, so that no second draft is created (the server also knows the
     form's one-time draft_key).
   - "Save and submit to UNHCR" with aria-disabled="true" (items of the checklist missing):
     a click moves to the checklist instead of posting; without this script it posts, the
     draft is saved and the page lists what is missing.
   - Leaving the page with changes not saved yet asks first. */
(function () {
  "use strict";
  var form = document.getElementById("pledge-form");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("autosave-status");
  var submitNow = document.getElementById("submit-now");
  var explain = document.getElementById("submit-explain");
  var seconds = parseInt(form.getAttribute("data-autosave-seconds"), 10) || 20;
  var changes = 0;      // changes made since the page was loaded
  var savedChanges = 0; // the changes the last successful save included
  var inFlight = null;    // the autosave being sent (a promise), if any
  var submitting = false; // Save or Submit clicked: no autosave starts from then on
  var held = null;        // the button whose click waits for the autosave in flight
  var WAIT_MS = 15000;

  function say(text, links) {
    if (!status) return;
    status.textContent = "";
    var p = document.createElement("span");
    p.textContent = text;
    status.appendChild(p);
    if (links && links.length) {
      var ul = document.createElement("ul");
      links.forEach(function (error) {
        var li = document.createElement("li");
        if (error.field_id && document.getElementById(error.field_id)) {
          var a = document.createElement("a");
          a.href = "#" + error.field_id;
          a.textContent = error.message;
          li.appendChild(a);
        } else {
          li.textContent = error.message;
        }
        ul.appendChild(li);
      });
      status.appendChild(ul);
    }
  }

  function hasTitle() {
    var ja = form.querySelector("[name='title_ja']");
    var en = form.querySelector("[name='title_en']");
    return (ja && ja.value.trim()) || (en && en.value.trim());
  }

  function refreshChecklist(items, missingCount, summaryText) {
    var list = document.getElementById("checklist-items");
    if (list && items) {
      var done = list.getAttribute("data-done-text") || "done";
      var missing = list.getAttribute("data-missing-text") || "missing";
      items.forEach(function (item) {
        var li = list.querySelector("li[data-key='" + item.key + "']");
        if (!li) return;
        li.className = "checklist-item " + (item.done ? "checklist-done" : "checklist-missing");
        var state = li.querySelector(".checklist-state");
        if (state) state.textContent = (item.done ? "✓ " + done : "✗ " + missing);
        var link = li.querySelector("a");
        if (link) link.href = "#" + item.field_id;
      });
    }
    if (submitNow) {
      if (missingCount) submitNow.setAttribute("aria-disabled", "true");
      else submitNow.removeAttribute("aria-disabled");
    }
    if (explain) {
      var text = explain.getAttribute(missingCount ? "data-missing-text" : "data-ready-text");
      if (text) explain.textContent = text;
    }
    var summary = document.getElementById("checklist-summary");
    if (summary && summaryText) summary.textContent = summaryText;
  }

  function autosave() {
    if (inFlight || submitting || changes === savedChanges) return;
    if (!hasTitle()) {
      say(form.getAttribute("data-title-first") || "");
      return;
    }
    var included = changes;
    inFlight = fetch(form.action || window.location.href, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"X-Requested-With": "XMLHttpRequest", "Accept": "application/json"}
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (result) {
      var data = result.data || {};
      if (result.ok && data.ok) {
        savedChanges = included;
        if (data.edit_url && form.getAttribute("action") !== data.edit_url) {
          form.setAttribute("action", data.edit_url);
          if (window.history && window.history.replaceState) {
            window.history.replaceState(null, "", data.edit_url);
          }
        }
        refreshChecklist(data.checklist, data.missing, data.summary);
        say(data.message || "");
      } else {
        say(data.message || "", data.errors || []);
      }
    }).catch(function () {
      say(form.getAttribute("data-offline") || "");
    }).then(function () { inFlight = null; });
  }

  function postHeld() {
    // The held click, posted now (form.submit() fires no submit event: the button's name
    // and value go in a hidden field).
    var button = held;
    held = null;
    if (!button) return;
    if (button.name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = button.name;
      input.value = button.value;
      input.setAttribute("data-held", "1");
      form.appendChild(input);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  function changed() { changes += 1; }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (event) {
    submitting = true;
    if (!inFlight && !held) return;
    event.preventDefault();
    if (held) return; // already waiting
    held = event.submitter || form.querySelector("button[name='save']");
    say(form.getAttribute("data-waiting") || "");
    var timer = window.setTimeout(postHeld, WAIT_MS);
    inFlight.then(function () {
      window.clearTimeout(timer);
      postHeld();
    });
  });
  window.addEventListener("pageshow", function (event) {
    // Back to this page from the browser's cache: autosave again.
    if (!event.persisted) return;
    submitting = false;
    held = null;
    Array.prototype.forEach.call(form.querySelectorAll("input[data-held]"), function (input) {
      input.parentNode.removeChild(input);
    });
  });
  window.setInterval(autosave, seconds * 1000);

  if (submitNow) {
    submitNow.addEventListener("click", function (event) {
      if (submitNow.getAttribute("aria-disabled") === "true") {
        event.preventDefault();
        var checklist = document.getElementById("pledge-checklist");
        var first = checklist && checklist.querySelector(".checklist-missing a");
        if (first) first.focus();
        else if (checklist) checklist.scrollIntoView();
      }
    });
  }

  window.addEventListener("beforeunload", function (event) {
    if (!submitting && changes !== savedChanges) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
