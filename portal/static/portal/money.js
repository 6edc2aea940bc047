// Money inputs (data-money): as the amount is typed, show it grouped the way the portal
// prints amounts (1.500.000 ₫ / VND 1,500,000) and in words of scale (1,5 triệu), so a
// missing or extra zero shows at once. The server accepts the same forms without this.
(function () {
  "use strict";
  var vi = (document.documentElement.lang || "vi").indexOf("vi") === 0;
  var sep = vi ? "." : ",";
  var scales = vi
    ? [[1e9, "tỷ"], [1e6, "triệu"], [1e3, "nghìn"]]
    : [[1e9, "billion"], [1e6, "million"], [1e3, "thousand"]];

  function group(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  }

  function words(n) {
    for (var i = 0; i < scales.length; i++) {
      if (n >= scales[i][0]) {
        var v = Math.round((n / scales[i][0]) * 100) / 100;
        return String(v).replace(".", vi ? "," : ".") + " " + scales[i][1];
      }
    }
    return "";
  }

  function hint(input) {
    var text = input.value.trim();
    var negative = /^[-−]/.test(text);
    var digits = text.replace(/[^\d]/g, "").replace(/^0+(?=\d)/, "");
    if (!digits || /[.,]\d{1,2}$/.test(text)) { return ""; }
    var amount = (negative ? "-" : "") + group(digits);
    var shown = vi ? amount + "\u00a0₫" : "VND\u00a0" + amount;
    var scale = words(Number(digits));
    return scale ? shown + " · " + (negative ? "-" : "") + scale : shown;
  }

  document.querySelectorAll("input[data-money]").forEach(function (input) {
    var out = document.createElement("small");
    out.className = "money-hint";
    out.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", out);
    var update = function () { out.textContent = hint(input); };
    input.addEventListener("input", update);
    update();
  });
})();
