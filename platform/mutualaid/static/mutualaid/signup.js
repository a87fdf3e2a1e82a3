// Suggest the web address from the group's name until the person edits it themselves.
(function () {
  var name = document.getElementById("id_group_name");
  var slug = document.getElementById("id_slug");
  if (!name || !slug) return;
  var touched = slug.value !== "";
  slug.addEventListener("input", function () { touched = slug.value !== ""; });
  name.addEventListener("input", function () {
    if (touched) return;
    slug.value = name.value.normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 40)
      .replace(/-+$/, "");
  });
  var summary = document.getElementById("error-summary") || document.querySelector(".has-error input, .has-error select");
  if (summary) summary.focus();
})();
