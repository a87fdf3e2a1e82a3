// The dashboard's map of need: each area cell shaded by the requests open in it now (the
// darker, the more). The table under the map has the same numbers and is the page's
// content: with no tiles, or no script, nothing is lost.
(function () {
  var holder = document.getElementById("need-map");
  var source = document.getElementById("need-map-data");
  if (!holder || !source || typeof L === "undefined") return;
  var data = JSON.parse(source.textContent);
  if (!data.areas.length) { holder.hidden = true; return; }
  var map = L.map(holder, { scrollWheelZoom: false });
  L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 }).addTo(map);
  var bounds = [];
  data.areas.forEach(function (area) {
    var shape = L.polygon(area.outline, {
      color: "#0b5f4a", weight: 1, fillColor: "#0b5f4a", fillOpacity: 0.1 + 0.7 * area.shade
    });
    var popup = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = area.label;
    popup.appendChild(title);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(area.text));
    shape.bindPopup(popup).addTo(map);
    bounds = bounds.concat(area.outline);
  });
  map.fitBounds(bounds, { padding: [10, 10] });
})();
