/* Read this page aloud. Progressive enhancement: the buttons stay hidden
   unless the browser can speak, and the page works without this file. */
(function () {
  var box = document.querySelector("[data-read-aloud]");
  if (!box || !("speechSynthesis" in window)) return;
  var start = box.querySelector("[data-read-start]");
  var stop = box.querySelector("[data-read-stop]");
  var text = document.querySelector(box.getAttribute("data-read-aloud"));
  if (!start || !stop || !text) return;
  start.addEventListener("click", function () {
    window.speechSynthesis.cancel();
    var utterance = new SpeechSynthesisUtterance(text.innerText);
    utterance.lang = document.documentElement.lang;
    utterance.rate = 0.85;  /* a little slower than default, for older listeners */
    window.speechSynthesis.speak(utterance);
  });
  stop.addEventListener("click", function () { window.speechSynthesis.cancel(); });
  box.hidden = false;
})();
