// The desk's waiting list, kept live: fetched again every few seconds while the page is shown,
// and a short spoken note ("3 waiting") when the number changes. Without JavaScript the page
// still works; it is simply as old as its last reload.
(function () {
  "use strict";
  var list = document.querySelector("[data-waiting-list]");
  var news = document.querySelector("[data-waiting-news]");
  if (!list || !window.fetch) return;
  var EVERY_MS = 10000;

  // What the list shows: which requests, and which are offered to me. The rest of the HTML
  // (a fresh CSRF token, "waiting 3 minutes") changes every time and is not worth a redraw
  // under the volunteer's thumb.
  function read(root, name) {
    var ul = root.querySelector("[data-count]");
    return ul ? ul.getAttribute(name) : null;
  }

  function refresh() {
    if (document.hidden) return;
    fetch(list.getAttribute("data-url"), { credentials: "same-origin" })
      .then(function (response) {
        // Signed out meanwhile (the admin's idle time-out): reload, so the sign-in page shows.
        if (response.redirected || !response.ok) {
          if (response.redirected) window.location.reload();
          throw new Error("waiting list not refreshed");
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = document.createElement("div");
        fresh.innerHTML = html;
        if (read(fresh, "data-signature") === read(list, "data-signature")) return;
        var before = read(list, "data-count");
        list.innerHTML = fresh.innerHTML;
        if (news && read(list, "data-count") !== before) {
          news.textContent = read(list, "aria-label");
        }
      })
      .catch(function () {});
  }

  setInterval(refresh, EVERY_MS);
  document.addEventListener("visibilitychange", refresh);
})();
