/* Warn staff at least one minute before the idle time-out, with a button to stay signed in.
   Without JavaScript the session simply ends and the next page asks to sign in again. */
(function () {
  var script = document.currentScript;
  var idle = Number(script.getAttribute("data-idle-seconds"));
  var extendUrl = script.getAttribute("data-extend-url");
  var config = document.getElementById("wagtail-config");
  var csrf = config ? JSON.parse(config.textContent).CSRF_TOKEN : "";
  // The server renews the session at most once a minute, so the time-out may come up to a
  // minute before idle seconds after this page loaded: warn two minutes ahead.
  var warnBefore = 120;
  var timer;
  var dialog = document.createElement("dialog");
  dialog.setAttribute("aria-labelledby", "staff-timeout-title");
  dialog.innerHTML = '<h2 id="staff-timeout-title"></h2><p></p><button type="button"></button>';
  dialog.querySelector("h2").textContent = script.getAttribute("data-title");
  dialog.querySelector("p").textContent = script.getAttribute("data-text");
  var button = dialog.querySelector("button");
  button.textContent = script.getAttribute("data-button");
  button.className = "button button-primary";
  document.body.appendChild(dialog);
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(function () { dialog.showModal(); }, (idle - warnBefore) * 1000);
  }
  button.addEventListener("click", function () {
    fetch(extendUrl, {method: "POST", headers: {"X-CSRFToken": csrf}, credentials: "same-origin"})
      .then(function () { dialog.close(); schedule(); });
  });
  schedule();
})();
