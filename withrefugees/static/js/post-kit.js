/* The post kit (workspace/post_kit.html): as the officer types, the length on each network
   (WithRefugeesCounter, the bundle of withrefugees/social/assets/post-counter.js: the same
   rules as social/counting.py), the "cut N" messages, the one-line summary that describes
   the text box and the share links follow the text (each link with its network's UNHCR
   accounts in place of the X ones, as social/sharing.py localise_mentions); "Copy the text" copies it
   (navigator.clipboard, else the selection) and says so in a status region. Without this
   script the page works as it is ("Check length" posts the texts back). The messages come
   from the kit's data-msg-* attributes (translated by the server, the same as its own). */
(function () {
  "use strict";
  var kit = document.querySelector("[data-post-kit]");
  if (!kit) return;
  var counter = window.WithRefugeesCounter;
  var maxText = parseInt(kit.getAttribute("data-max-text"), 10) || 10000;
  var ANNOUNCE_AFTER = 1200; // ms without typing before the summary is announced

  function msg(name, values) {
    var text = kit.getAttribute("data-msg-" + name) || "";
    return text.replace(/%\((\w+)\)s/g, function (all, key) {
      return values && key in values ? String(values[key]) : all;
    });
  }
  function number(n) { return n.toLocaleString("en-US"); }
  function normalise(text) { return text.replace(/\r\n?/g, "\n"); }
  function codePointLength(text) { return Array.from(text).length; }
  // "65 points": n in unit (views/post.py AMOUNTS; one form for 1, the other for the rest).
  function amount(unit, n) {
    return msg(unit.replace(/_/g, "") + (n === 1 ? "one" : "other"), {n: number(n)});
  }
  // As views/post.py over_message: on X also the Japanese characters (2 points each).
  function overMessage(row, n) {
    if (row.key === "x") {
      return msg("overx", {amount: amount(row.unit, n), ja: amount("ja_characters", Math.ceil(n / 2))});
    }
    return msg("over", {amount: amount(row.unit, n)});
  }
  // As social/sharing.py localise_mentions: the X accounts of the text (shown) replaced by
  // a network's (handles); with none, removed with the spaces around them, and a line left
  // blank dropped.
  var mentionsShown = kit.getAttribute("data-mentions-shown") || "";
  function localiseMentions(text, shown, handles) {
    if (!shown || shown === handles || text.indexOf(shown) < 0) return text;
    if (handles) return text.split(shown).join(handles);
    var lines = [];
    text.split("\n").forEach(function (line) {
      if (line.indexOf(shown) < 0) { lines.push(line); return; }
      var marked = line.split(shown).join("\u0000");
      var tidy = marked.replace(/ *(?:\u0000 *)+/g, function (all, offset) {
        return offset > 0 && offset + all.length < marked.length ? " " : "";
      });
      if (tidy.replace(/ /g, "")) lines.push(tidy);
    });
    return lines.join("\n");
  }

  function update(section) {
    var box = section.textarea;
    var text = normalise(box.value);
    // Share links: the text as encodeURIComponent writes it (social/sharing.py does the same).
    section.links.forEach(function (link) {
      var handles = link.getAttribute("data-mentions") || "";
      link.href = link.getAttribute("data-share-base") +
        encodeURIComponent(localiseMentions(text, mentionsShown, handles));
    });
    var summary;
    if (codePointLength(text) > maxText) {
      summary = msg("toolong", {max: number(maxText)});
      section.rows.forEach(function (row) {
        row.length.textContent = "—";
        row.result.textContent = summary;
        row.tr.classList.add("post-count-problem");
      });
    } else if (counter) {
      var lengths = counter.counts(text);
      var problems = [];
      var parts = [];
      section.rows.forEach(function (row) {
        var length = lengths[row.key];
        var over = Math.max(0, length - row.limit);
        var forbidden = row.forbidden && /[<>]/.test(text);
        var results = [];
        if (over) {
          results.push(overMessage(row, over));
          problems.push(msg("itemover", {network: row.label, amount: amount(row.unit, over)}));
        }
        if (forbidden) {
          results.push(msg("forbidden"));
          problems.push(msg("itemforbidden", {network: row.label}));
        }
        row.length.textContent = number(length);
        row.result.textContent = "";
        if (results.length) {
          var strong = document.createElement("strong");
          strong.textContent = results.join(" ");
          row.result.appendChild(strong);
        } else {
          row.result.textContent = msg("fits");
        }
        row.tr.classList.toggle("post-count-problem", results.length > 0);
        if (row.key === "x") {
          parts.push(msg("summaryx", {length: number(length), limit: number(row.limit)}));
        }
      });
      parts.push(problems.length ? msg("summaryproblems", {list: problems.join(msg("separator"))})
                                 : msg("summaryfits"));
      summary = parts.join(" ");
    } else {
      return; // no counter (the bundle did not load): the server's counts stay
    }
    if (section.summary) section.summary.textContent = summary;
    clearTimeout(section.timer);
    section.timer = setTimeout(function () {
      if (section.live && summary !== section.announced) {
        section.announced = summary;
        section.live.textContent = summary;
      }
    }, ANNOUNCE_AFTER);
  }

  function say(section, text) {
    // Emptied first, so that the same message twice is announced twice.
    section.status.textContent = "";
    setTimeout(function () { section.status.textContent = text; }, 50);
  }

  function copyBySelection(box) {
    box.focus();
    box.select();
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }

  function copy(section) {
    var box = section.textarea;
    var text = box.value;
    var fallback = function () {
      say(section, copyBySelection(box) ? msg("copied") : msg("copyfailed"));
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        say(section, msg("copied"));
      }, fallback);
    } else {
      fallback();
    }
  }

  var sections = [];
  kit.querySelectorAll("[data-post]").forEach(function (element) {
    var textarea = element.querySelector("textarea");
    if (!textarea) return;
    var section = {
      textarea: textarea,
      summary: element.querySelector("[data-summary]"),
      live: element.querySelector("[data-summary-live]"),
      status: element.querySelector("[data-copy-status]"),
      links: Array.prototype.slice.call(element.querySelectorAll("a[data-share-base]")),
      rows: Array.prototype.map.call(element.querySelectorAll("tr[data-key]"), function (tr) {
        var key = tr.getAttribute("data-key");
        return {
          tr: tr, key: key, limit: parseInt(tr.getAttribute("data-limit"), 10),
          label: tr.querySelector("th").textContent,
          forbidden: key === "youtube", unit: tr.getAttribute("data-unit") || "characters",
          length: tr.querySelector("[data-length]"), result: tr.querySelector("[data-result]")
        };
      }),
      timer: null, announced: null
    };
    sections.push(section);
    var button = element.querySelector("[data-copy]");
    if (button && section.status) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(section); });
    }
    var hint = element.querySelector("[data-nojs]");
    if (hint) hint.hidden = true;
    textarea.addEventListener("input", function () { update(section); });
  });
  // Changing the language of the posts reloads them: ask first when a text was edited.
  var languageForm = document.querySelector("[data-post-language]");
  if (languageForm) {
    languageForm.addEventListener("submit", function (event) {
      var edited = kit.hasAttribute("data-edited") || sections.some(function (section) {
        return section.textarea.value !== section.textarea.defaultValue;
      });
      if (edited && !window.confirm(msg("leave"))) event.preventDefault();
    });
  }
  // After a "Check length" with an error, take keyboard and screen-reader users to it.
  var errors = document.getElementById("error-summary");
  if (errors) errors.focus();
  // A browser may restore typed texts on "back": count what is in the boxes now.
  sections.forEach(function (section) {
    if (section.textarea.value !== section.textarea.defaultValue) update(section);
  });
}());
