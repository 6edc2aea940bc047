// Progressive enhancement for the roster: a tap toggles present/absent in place (one POST,
// no page reload). Without JavaScript the same forms post and redirect back to the row.
(function () {
  "use strict";
  var counter = document.querySelector("[data-present-count]");
  document.querySelectorAll("form.tap").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button");
      var flag = form.querySelector("input[name=present]");
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          button.textContent = data.present ? button.dataset.on : button.dataset.off;
          button.classList.toggle("primary", data.present);
          button.setAttribute("aria-pressed", data.present ? "true" : "false");
          flag.value = data.present ? "0" : "1";
          if (counter) { counter.textContent = data.count; }
        })
        .catch(function () { form.submit(); })
        .finally(function () { button.disabled = false; });
    });
  });
})();
