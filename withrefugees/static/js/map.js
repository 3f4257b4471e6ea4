/* Map of signatories: an offline base layer of country outlines (world-atlas, Natural
   Earth) drawn by Leaflet; a tile layer only when MAP_TILE_URL is configured. Markers
   are keyboard-focusable links; the list under the map carries the same information. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var data = document.getElementById("map-points");
  if (!el || !data || !window.L) return;
  var points = JSON.parse(data.textContent);
  var map = L.map(el, {worldCopyJump: true, attributionControl: true, minZoom: 2, maxZoom: 12,
                       zoomControl: false}).setView([36.5, 137.5], 5);
  L.control.zoom({zoomInTitle: gettext("Zoom in"), zoomOutTitle: gettext("Zoom out")}).addTo(map);
  // Keyboard: an opened popup takes focus on its link; its close button is labelled.
  var opener = null;
  el.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && map.closePopup) {
      map.closePopup();
      if (opener) opener.focus();
    }
  });
  map.on("popupopen", function (e) {
    opener = e.popup._source && e.popup._source.getElement ? e.popup._source.getElement() : null;
    var node = e.popup.getElement();
    var close = node && node.querySelector(".leaflet-popup-close-button");
    if (close) close.setAttribute("aria-label", gettext("Close"));
    var link = node && node.querySelector(".leaflet-popup-content a");
    if (link) link.focus();
  });
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
  // Markers are at least 24x24 px (WCAG 2.2 target size); nearby ones are clustered
  // (leaflet.markercluster) so that no two targets overlap.
  var icon = L.divIcon({className: "signatory-marker", iconSize: [24, 24], html: "<span></span>"});
  var group = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 40,
    iconCreateFunction: function (cluster) {
      var n = cluster.getChildCount();
      return L.divIcon({className: "signatory-cluster", iconSize: [40, 40],
                        html: "<span>" + n + "</span>"});
    }
  });
  group.on("animationend spiderfied unspiderfied", labelClusters);
  map.on("zoomend moveend", labelClusters);
  function labelClusters() {
    group.getLayers(); // clusters are re-created on zoom: label the visible ones
    el.querySelectorAll(".signatory-cluster").forEach(function (node) {
      var n = node.textContent.trim();
      var label = interpolate(ngettext("%s signatory here: zoom in to see it",
                                       "%s signatories here: zoom in to see them", n), [n]);
      node.setAttribute("title", label);
      node.setAttribute("aria-label", label);
      node.setAttribute("role", "button");
    });
  }
  var bounds = [];
  points.forEach(function (p) {
    if (p.lat === null || p.lon === null) return; // listed under the map only
    var label = p.label;
    var marker = L.marker([p.lat, p.lon], {icon: icon, title: label, alt: label, keyboard: true});
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = label;
    marker.bindPopup(link);
    group.addLayer(marker);
    bounds.push([p.lat, p.lon]);
  });
  map.addLayer(group);
  labelClusters();
  if (bounds.length > 1) map.fitBounds(bounds, {padding: [30, 30], maxZoom: 8});
  else if (bounds.length === 1) map.setView(bounds[0], 7);
})();
