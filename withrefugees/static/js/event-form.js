/* The event form (workspace): an enhancement only; the form works without it.
   - The landmark fieldset is hidden while another type than a light-up is chosen.
   - "All day" hides the time inputs (their values are kept and ignored by the server).
   - With a tile server configured (MAP_TILE_URL), a map under latitude/longitude: a click
     fills both fields in; typing in them moves the marker. Keyboard users type the numbers
     (the map is hidden from assistive technology: the fields are the way to give a point). */
(function () {
  "use strict";
  var form = document.getElementById("event-form");
  if (!form) return;

  var allDay = form.querySelector("input[name='all_day']");
  function toggleTimes() {
    var hide = allDay && allDay.checked;
    Array.prototype.forEach.call(form.querySelectorAll(".event-time"), function (el) {
      el.hidden = !!hide;
    });
  }
  if (allDay) {
    allDay.addEventListener("change", toggleTimes);
    toggleTimes();
  }

  // The landmark fields are for a light-up only: hidden when another type is chosen, unless
  // something is typed in them (then they stay, so that nothing typed is hidden).
  var kind = form.querySelector("select[name='kind']");
  var landmarks = document.getElementById("landmark-group");
  function toggleLandmark() {
    if (!kind || !landmarks) return;
    var filled = Array.prototype.some.call(
      landmarks.querySelectorAll("input, select"), function (input) { return !!input.value; });
    landmarks.hidden = !!kind.value && kind.value !== "light_up" && !filled;
  }
  if (kind && landmarks) {
    kind.addEventListener("change", toggleLandmark);
    toggleLandmark();
  }

  var el = document.getElementById("event-point-map");
  var lat = form.querySelector("input[name='latitude']");
  var lon = form.querySelector("input[name='longitude']");
  var tiles = el && el.getAttribute("data-tile-url");
  if (!el || !lat || !lon || !tiles || !window.L) return;
  el.hidden = false;
  el.setAttribute("aria-hidden", "true");
  function num(input) {
    var v = parseFloat((input.value || "").replace(",", "."));
    return isFinite(v) ? v : null;
  }
  var start = [num(lat), num(lon)];
  var fallback = [parseFloat(el.getAttribute("data-lat")), parseFloat(el.getAttribute("data-lon"))];
  var hasPoint = start[0] !== null && start[1] !== null;
  var centre = hasPoint ? start : (isFinite(fallback[0]) && isFinite(fallback[1]) ? fallback : [36.5, 137.5]);
  var map = L.map(el, {keyboard: false, zoomControl: false, attributionControl: true})
    .setView(centre, hasPoint ? 16 : 13);
  L.tileLayer(tiles, {attribution: el.getAttribute("data-tile-attribution") || "", maxZoom: 19}).addTo(map);
  var marker = hasPoint ? L.marker(start, {keyboard: false}).addTo(map) : null;
  map.on("click", function (e) {
    var p = e.latlng.wrap();
    lat.value = p.lat.toFixed(6);
    lon.value = p.lng.toFixed(6);
    if (marker) marker.setLatLng(p); else marker = L.marker(p, {keyboard: false}).addTo(map);
  });
  function typed() {
    var a = num(lat), b = num(lon);
    if (a === null || b === null || Math.abs(a) > 90 || Math.abs(b) > 180) return;
    if (marker) marker.setLatLng([a, b]); else marker = L.marker([a, b], {keyboard: false}).addTo(map);
    map.panTo([a, b]);
  }
  lat.addEventListener("change", typed);
  lon.addEventListener("change", typed);
})();
