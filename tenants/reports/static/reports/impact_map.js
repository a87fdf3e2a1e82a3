// Draws the impact page's areas (cells that each hold at least k requests, never points)
// with their letters; the table under the map has the same figures and works on its own.
(function () {
  var holder = document.getElementById("impact-map");
  var source = document.getElementById("impact-map-data");
  if (!holder || !source || typeof L === "undefined") return;
  var data = JSON.parse(source.textContent);
  if (!data.areas.length) { holder.hidden = true; return; }
  var map = L.map(holder, { scrollWheelZoom: false });
  L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 16 }).addTo(map);
  var bounds = [];
  data.areas.forEach(function (area) {
    var shape = L.polygon(area.outline, { color: "#0b5f4a", weight: 2, fillOpacity: 0.25 });
    shape.bindTooltip(area.mark, { permanent: true, direction: "center", className: "impact-area-label" });
    shape.bindPopup(area.label);
    shape.addTo(map);
    bounds = bounds.concat(area.outline);
  });
  map.fitBounds(bounds, { padding: [20, 20] });
})();
