/* Map of signatories: an offline base layer of country outlines (world-atlas, Natural
   Earth) drawn by Leaflet; a tile layer only when MAP_TILE_URL is configured. Markers
   are keyboard-focusable links; the list under the map carries the same information. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var data = document.getElementById("map-points");
  if (!el || !data || !window.L) return;
  var points = JSON.parse(data.textContent);
  var map = L.map(el, {worldCopyJump: true, attributionControl: true}).setView([36.5, 137.5], 5);
  var tileUrl = el.getAttribute("data-tile-url");
  if (tileUrl) {
    L.tileLayer(tileUrl, {attribution: el.getAttribute("data-tile-attribution") || "", maxZoom: 18}).addTo(map);
  } else {
    map.getContainer().style.background = "#dcebf7";
  }
  fetch(el.getAttribute("data-outlines"))
    .then(function (r) { return r.json(); })
    .then(function (topo) {
      var land = topojson.feature(topo, topo.objects.countries);
      L.geoJSON(land, {
        interactive: false,
        style: {color: "#7f8c99", weight: 0.6, fillColor: "#f7f7f2", fillOpacity: tileUrl ? 0 : 1}
      }).addTo(map).bringToBack();
    })
    .catch(function () { /* the list below the map still has everything */ });
  map.attributionControl.addAttribution("Natural Earth");
  var icon = L.divIcon({className: "signatory-marker", iconSize: [18, 18], html: "<span></span>"});
  var bounds = [];
  points.forEach(function (p) {
    var label = p.area ? p.name + " (" + p.area + ")" : p.name;
    var marker = L.marker([p.lat, p.lon], {icon: icon, title: label, alt: label, keyboard: true});
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = label;
    marker.bindPopup(link);
    marker.addTo(map);
    bounds.push([p.lat, p.lon]);
  });
  if (bounds.length > 1) map.fitBounds(bounds, {padding: [30, 30], maxZoom: 8});
  else if (bounds.length === 1) map.setView(bounds[0], 7);
})();
