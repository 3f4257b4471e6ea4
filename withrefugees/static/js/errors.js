/* A page that comes back with errors (a form refused on the server) puts the keyboard and
   screen reader focus on its error summary (#error-summary: a heading and links to the
   fields), as GOV.UK's error summary pattern does; without it focus stayed on <body> and
   nothing said the save had failed (issue 10's new-user trial). */
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.getElementById("error-summary");
    if (summary && document.activeElement === document.body) summary.focus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
