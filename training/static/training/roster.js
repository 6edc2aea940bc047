// Progressive enhancement for the roster. Without JavaScript: ?q= filters on the server and
// each tap posts the list's one form and comes back to the row. With it:
// - the name filter hides non-matching rows as you type (accents and case ignored);
// - a tap toggles present/absent in place (one POST, no page reload).
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d")
      .toLowerCase().replace(/\s+/g, " ").trim();
  }

  var rows = Array.prototype.slice.call(document.querySelectorAll("table.roster tr[data-n]"));
  var filter = document.querySelector("input[data-roster-filter]");
  if (filter) {
    var apply = function () {
      var wanted = fold(filter.value);
      rows.forEach(function (row) {
        row.hidden = wanted !== "" && row.dataset.n.indexOf(wanted) === -1;
      });
    };
    filter.addEventListener("input", apply);
    filter.form.addEventListener("submit", function (event) {
      // the rows are all here already: filter in place (the server does it without JS)
      if (rows.length && !new URLSearchParams(window.location.search).get("q")) {
        event.preventDefault();
        apply();
      }
    });
  }

  var form = document.getElementById("roster");
  if (!form) { return; }
  var table = form.querySelector("table.roster");
  var counter = document.querySelector("[data-present-count]");
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button.tap");
    if (!button) { return; }
    event.preventDefault();
    var data = new FormData(form);
    data.set("mark", button.value);
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: data,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (result) {
        var id = button.value.split(":")[0];
        button.value = id + ":" + (result.present ? "0" : "1");
        button.textContent = result.present ? table.dataset.on : table.dataset.off;
        button.classList.toggle("primary", result.present);
        button.setAttribute("aria-pressed", result.present ? "true" : "false");
        if (counter) { counter.textContent = result.count; }
      })
      .catch(function () {
        // fall back to the plain form post
        var hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = "mark"; hidden.value = button.value;
        form.appendChild(hidden);
        form.submit();
      })
      .finally(function () { button.disabled = false; });
  });
})();
