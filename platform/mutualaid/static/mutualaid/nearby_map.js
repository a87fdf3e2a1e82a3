// Draws the areas (never points) of the requests listed below the map. The list is the
// page's content and works on its own: with no tiles, or no script, nothing is lost.
(function () {
  var holder = document.getElementById("nearby-map");
  var source = document.getElementById("nearby-map-data");
  if (!holder || !source || typeof L === "undefined") return;
  var data = JSON.parse(source.textContent);
  if (!data.areas.length && !data.home) { holder.hidden = true; return; }
  var map = L.map(holder, { scrollWheelZoom: false });
  L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 }).addTo(map);
  var bounds = [];
  data.areas.forEach(function (area) {
    var shape = L.polygon(area.outline, { color: "#0b5f4a", weight: 2, fillOpacity: 0.2 });
    var item = document.getElementById("request-" + area.id);
    var popup = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = area.label;
    popup.appendChild(title);
    var form = item && item.querySelector("form");
    if (form) popup.appendChild(form.cloneNode(true));  // the list's own claim form
    shape.bindPopup(popup).addTo(map);
    shape.on("click", function () { if (item) item.classList.add("highlight"); });
    bounds = bounds.concat(area.outline);
  });
  if (data.home) bounds.push(data.home);
  if (bounds.length > 1) map.fitBounds(bounds, { padding: [20, 20] });
  else map.setView(bounds[0], 13);
})();
