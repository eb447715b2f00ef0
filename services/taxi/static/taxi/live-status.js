/* Keeps the taxi status page current without reloading it. The region is
   aria-live="polite", so screen readers hear a change when it happens. Without
   JavaScript the page has a plain "refresh" button instead. Everything marked
   data-row="<key>" (in or out of the region) shows only while <key> is set:
   the car's rows come with the car, the cancel button goes once the trip
   begins, the "ask a person" button comes when no car came. */
(function () {
  var box = document.getElementById("ride-status");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-status-url");
  var last = "";
  function update(data) {
    Object.keys(data).forEach(function (key) {
      var field = box.querySelector('[data-field="' + key + '"]');
      if (field) field.textContent = data[key] === null ? "" : data[key];
      var rows = document.querySelectorAll('[data-row="' + key + '"]');
      for (var i = 0; i < rows.length; i++) rows[i].hidden = !data[key];
    });
    var phone = box.querySelector('[data-field="driver_phone"]');
    if (phone) phone.setAttribute("href", data.driver_tel || "");
  }
  function poll() {
    fetch(url, {credentials: "same-origin"}).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (data) {
      if (!data) { setTimeout(poll, 15000); return; }  // a passing server error
      var text = JSON.stringify(data);
      if (text !== last) { last = text; update(data); }
      if (!data.final) setTimeout(poll, 5000);
    }).catch(function () { setTimeout(poll, 15000); });
  }
  setTimeout(poll, 5000);
})();
