(function () {
  "use strict";
  // The only script of the briefing page; its CSP hash is computed from this exact text.
  document.documentElement.classList.add("js");
  var article = document.getElementById("article-text");
  function go(mark) {
    var ids = (mark.getAttribute("data-items") || "").split(" ");
    Array.prototype.forEach.call(document.querySelectorAll(".item.flash"), function (i) { i.classList.remove("flash"); });
    ids.forEach(function (id) {
      var item = document.getElementById(id);
      if (item) { void item.offsetWidth; item.classList.add("flash"); }
    });
    if (ids[0]) { location.hash = ids[0]; }
  }
  article.addEventListener("click", function (event) {
    var mark = event.target.closest("mark[data-items]");
    if (mark) { go(mark); }
  });
  article.addEventListener("keydown", function (event) {
    var mark = event.target.closest("mark[data-items]");
    if (mark && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); go(mark); }
  });
  function showSpan() {
    var key = location.hash.slice(1);
    Array.prototype.forEach.call(article.querySelectorAll("mark.active"), function (m) { m.classList.remove("active"); });
    if (!/^q-[0-9]+$/.test(key)) { return; }
    Array.prototype.forEach.call(article.querySelectorAll('mark[data-span="' + key + '"]'), function (m) { m.classList.add("active"); });
  }
  window.addEventListener("hashchange", showSpan);
  showSpan();
})();
