/* Map of World Refugee Day light-ups (and of an event's place): as js/map.js (offline
   country outlines, a tile layer only when MAP_TILE_URL is configured, cooperative
   gestures, keyboard-focusable markers), for points {label, lat, lon, approximate,
   announced, url} read from the JSON element #map-points. A point that is only approximate
   (the local government's, not the landmark's own) says so in its label and popup, and so
   does a light-up known only from an announcement before the day (announced). The page
   lists everything the map shows, and its key explains the markers. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  var data = document.getElementById("map-points");
  if (!el || !data || !window.L) return;
  var points = JSON.parse(data.textContent);
  var map = L.map(el, {worldCopyJump: true, attributionControl: true, minZoom: 2, maxZoom: 12,
                       zoomControl: false}).setView([36.5, 137.5], 5);
  L.control.zoom({zoomInTitle: gettext("Zoom in"), zoomOutTitle: gettext("Zoom out")}).addTo(map);
  // Tab order: Leaflet puts its controls after the marker pane; the zoom buttons (and the
  // attribution links) come first, before the markers. Their position is absolute, so the
  // move does not change the layout.
  var controls = el.querySelector(".leaflet-control-container");
  if (controls) el.insertBefore(controls, el.firstChild);

  // Cooperative gestures (as on other maps of the web): the page, not the map, scrolls
  // under the mouse wheel unless the map has focus (a click or Tab puts it there) or Ctrl
  // (⌘ on a Mac) is held; one finger on a touch screen scrolls the page, two move the map.
  // A short visible hint says so when the map lets the gesture pass.
  var mac = /Mac|iPhone|iPad|iPod/.test(navigator.platform || navigator.userAgent);
  var hint = document.createElement("div");
  hint.className = "map-hint";
  hint.setAttribute("aria-hidden", "true"); // for mouse and touch gestures only
  var hintText = document.createElement("span");
  hint.appendChild(hintText);
  el.appendChild(hint);
  var hintTimer = null;
  function showHint(text) {
    hintText.textContent = text;
    hint.classList.add("map-hint-shown");
    clearTimeout(hintTimer);
    hintTimer = setTimeout(hideHint, 1800);
  }
  function hideHint() {
    clearTimeout(hintTimer);
    hint.classList.remove("map-hint-shown");
  }
  function mapHasFocus() {
    return el.contains(document.activeElement);
  }
  // Capture phase on the container: runs before Leaflet's own wheel listener (on the same
  // container), which then never sees a wheel that is meant for the page.
  el.addEventListener("wheel", function (e) {
    if (e.ctrlKey || e.metaKey || mapHasFocus()) { hideHint(); return; }
    e.stopImmediatePropagation();
    showHint(interpolate(gettext("To zoom the map, hold %s while scrolling, or select the map first"),
                         [mac ? "⌘" : "Ctrl"]));
  }, true);
  // Touch: site.css lets the browser pan the page with one finger (touch-action); a
  // single touch is kept from Leaflet's dragging, a second one starts its pinch (which
  // pans and zooms), and two-finger moves are kept from scrolling the page.
  // Leaflet listens to touch events where the browser has them, else to pointer events.
  var pointers = !L.Browser.touchNative && L.Browser.pointer;
  var down = {}; // touch pointers now on the map, by pointerId (pointer events only)
  el.addEventListener(pointers ? "pointerdown" : "touchstart", function (e) {
    var touches;
    if (e.type === "pointerdown") {
      if (e.pointerType !== "touch") return;
      down[e.pointerId] = true;
      touches = Object.keys(down).length;
    } else {
      touches = e.touches.length;
    }
    if (touches === 1) e.stopPropagation();
    else hideHint();
  }, true);
  if (pointers) {
    var lift = function (e) { delete down[e.pointerId]; };
    document.addEventListener("pointerup", lift, true);
    document.addEventListener("pointercancel", lift, true);
  }
  el.addEventListener("touchmove", function (e) {
    if (e.touches.length > 1) {
      if (e.cancelable) e.preventDefault();
    } else {
      showHint(gettext("Use two fingers to move the map"));
    }
  }, {passive: false});

  // Keyboard: an opened popup takes focus on its link; its close button is labelled.
  var opener = null;
  var spaceActivation = false;
  el.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && map.closePopup) {
      map.closePopup();
      if (opener) opener.focus();
    }
    // Space on a marker, a cluster or a control (all role=button, but divs and links)
    // activates it as on any button, and does not scroll the page. Leaflet itself only
    // answers Enter.
    var target = e.target;
    if ((e.key === " " || e.key === "Spacebar") && target.getAttribute &&
        target.getAttribute("role") === "button" && target.tagName !== "BUTTON") {
      e.preventDefault();
      if (e.repeat) return;
      spaceActivation = true;
      try { target.click(); } finally { spaceActivation = false; }
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
  var icon = L.divIcon({className: "signatory-marker landmark-marker", iconSize: [24, 24],
                        html: "<span></span>"});
  // An approximate point: the same marker with a ring (and its label says so in words).
  var approximateIcon = L.divIcon({className: "signatory-marker landmark-marker landmark-marker-approximate",
                                   iconSize: [24, 24], html: "<span>~</span>"});
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
  // Keyboard on a cluster: markercluster zooms in (or spreads the markers out at the
  // deepest zoom) and puts focus on the map container. Focus goes instead to the first
  // (in tab order) of what the cluster became: its markers or smaller clusters.
  var focusAfterZoom = null;
  var focusTimer = null;
  group.on("clusterclick clusterkeypress", function (e) {
    var keyboard = e.type === "clusterkeypress" ? e.originalEvent && e.originalEvent.keyCode === 13
                                               : spaceActivation;
    if (!keyboard) return;
    focusAfterZoom = e.layer.getAllChildMarkers();
    clearTimeout(focusTimer);
    // In case no zoom or spreading follows (e.g. the cluster only pans into view).
    focusTimer = setTimeout(focusZoomedCluster, 1500);
  });
  group.on("animationend spiderfied", function () { setTimeout(focusZoomedCluster, 0); });
  function focusZoomedCluster() {
    if (!focusAfterZoom) return;
    var nodes = [];
    focusAfterZoom.forEach(function (marker) {
      var shown = group.getVisibleParent(marker);
      var node = shown && shown.getElement ? shown.getElement() : null;
      if (node && el.contains(node) && nodes.indexOf(node) === -1) nodes.push(node);
    });
    if (!nodes.length) return;
    nodes.sort(function (a, b) {
      return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
    focusAfterZoom = null;
    clearTimeout(focusTimer);
    nodes[0].focus();
  }
  map.on("zoomend moveend", labelClusters);
  function labelClusters() {
    group.getLayers(); // clusters are re-created on zoom: label the visible ones
    el.querySelectorAll(".signatory-cluster").forEach(function (node) {
      var n = node.textContent.trim();
      var label = interpolate(ngettext("%s place here: zoom in to see it",
                                       "%s places here: zoom in to see them", n), [n]);
      node.setAttribute("title", label);
      node.setAttribute("aria-label", label);
      node.setAttribute("role", "button");
    });
  }
  var bounds = [];
  points.forEach(function (p) {
    if (p.lat === null || p.lon === null) return; // listed on the page only
    var label = p.approximate ? interpolate(gettext("%s (approximate location)"), [p.label])
                              : p.label;
    if (p.announced) label = interpolate(gettext("%s (announced before the day)"), [label]);
    var markerIcon = p.approximate ? approximateIcon : icon;
    var marker = L.marker([p.lat, p.lon], {icon: markerIcon, title: label, alt: label,
                                          keyboard: true});
    var content;
    if (p.url) {
      content = document.createElement("a");
      content.href = p.url;
    } else {
      content = document.createElement("span");
    }
    content.textContent = label;
    marker.bindPopup(content);
    group.addLayer(marker);
    bounds.push([p.lat, p.lon]);
  });
  map.addLayer(group);
  labelClusters();
  // The zoom level, for tests and style hooks.
  map.on("zoomend", function () { el.setAttribute("data-zoom", map.getZoom()); });
  if (bounds.length > 1) map.fitBounds(bounds, {padding: [30, 30], maxZoom: 8});
  else if (bounds.length === 1) {
    map.setView(bounds[0], parseInt(el.getAttribute("data-zoom-single") || "7", 10));
  }
  el.setAttribute("data-zoom", map.getZoom());
})();
