/* Keeps an unsaved draft of the minutes in this browser (localStorage) while typing, and
   offers it back after a lost connection or a closed tab. The server keeps versions only
   when "Save" is pressed; without JavaScript the form works the same, minus this. */
(function () {
  var form = document.getElementById("minutes-form");
  if (!form || !window.localStorage) return;
  var key = form.getAttribute("data-autosave-key");
  var body = form.querySelector("textarea[name=body]");
  var status = form.querySelector(".autosave-status");
  var texts = JSON.parse(document.getElementById("autosave-messages").textContent);
  function say(text) { status.hidden = false; status.textContent = text; }
  try {
    var saved = localStorage.getItem(key);
    if (saved && saved !== body.value) { body.value = saved; say(texts.restored); }
  } catch (e) { return; }
  var timer = null;
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      try { localStorage.setItem(key, body.value); say(texts.kept + " · " + new Date().toLocaleTimeString()); } catch (e) {}
    }, 800);
  });
  form.addEventListener("submit", function () { try { localStorage.removeItem(key); } catch (e) {} });
})();
