// The workbench's only script: keyboard moves through tables, and the reviewer's name is
// remembered in this browser. Everything works without it.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tbody tr[data-href]"));
  var at = -1;
  function select(i) {
    if (!rows.length) return;
    at = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r) { r.classList.remove("sel"); });
    rows[at].classList.add("sel");
    rows[at].focus();
  }
  rows.forEach(function (r, i) {
    r.tabIndex = 0;
    r.addEventListener("click", function (e) { if (e.target.tagName !== "A") location.href = r.dataset.href; });
    r.addEventListener("keydown", function (e) { if (e.key === "Enter") location.href = r.dataset.href; });
    r.addEventListener("focus", function () { at = i; });
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target.tagName;
    if (t === "INPUT" || t === "TEXTAREA" || t === "SELECT" || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "j") { select(at + 1); e.preventDefault(); }
    else if (e.key === "k") { select(at - 1); e.preventDefault(); }
    else if (e.key === "o") { var f = document.getElementById("field"); if (f) { f.focus(); e.preventDefault(); } }
    else if (e.key === "s") { var d = document.getElementById("decision"); if (d) { d.focus(); e.preventDefault(); } }
  });
  var KEY = "ipval.reviewer";
  Array.prototype.forEach.call(document.querySelectorAll("input[name=reviewer]"), function (inp) {
    try {
      if (!inp.value) inp.value = localStorage.getItem(KEY) || "";
      inp.form.addEventListener("submit", function () { localStorage.setItem(KEY, inp.value); });
    } catch (err) { /* storage disabled: nothing to remember */ }
  });
})();
