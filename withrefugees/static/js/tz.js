/* Tell the server the reader's time zone (cookie "tz"), so dates are shown in it. */
(function () {
  "use strict";
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("tz=" + tz) === -1) {
      document.cookie = "tz=" + tz + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (e) { /* the site's default zone (Asia/Tokyo) applies */ }
})();
