// The directory's map: a marker at each listed group's map centre and, after a search, the
// searched postcode. The list below is the page's content and works without it.
(function () {
  var holder = document.getElementById("directory-map");
  var source = document.getElementById("directory-map-data");
  if (!holder || !source || typeof L === "undefined") return;
  var data = JSON.parse(source.textContent);
  if (!data.groups.length && !data.origin) { holder.hidden = true; return; }
  var map = L.map(holder, { scrollWheelZoom: false });
  L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 }).addTo(map);
  var bounds = [];
  data.groups.forEach(function (group) {
    var point = [group.lat, group.lng];
    var item = document.getElementById(group.id);
    var popup = document.createElement("div");
    var link = item && item.querySelector("h3 a");
    if (link) popup.appendChild(link.cloneNode(true));
    else popup.textContent = group.name;
    L.circleMarker(point, { radius: 8, color: "#0b5f4a", weight: 2, fillOpacity: 0.6 })
      .bindPopup(popup).addTo(map);
    bounds.push(point);
  });
  if (data.origin) {
    L.circleMarker(data.origin, { radius: 6, color: "#b00020", weight: 3, fillOpacity: 0.2 })
      .addTo(map);
    bounds.push(data.origin);
  }
  if (bounds.length > 1) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 13 });
  else map.setView(bounds[0], 12);
})();
