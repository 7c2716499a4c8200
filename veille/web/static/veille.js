// Veille IA — raccourcis clavier de la boîte de tri (amélioration facultative :
// tout fonctionne sans JavaScript). j / k : article suivant / précédent.
(function () {
  "use strict";
  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll("article.card[data-card]"));
  }
  function typing(target) {
    var name = target && target.tagName;
    return name === "INPUT" || name === "TEXTAREA" || name === "SELECT" || (target && target.isContentEditable);
  }
  function move(step) {
    var list = cards();
    if (!list.length) { return; }
    var current = list.indexOf(document.activeElement);
    var next = current === -1 ? (step > 0 ? 0 : list.length - 1) : current + step;
    if (next < 0 || next >= list.length) { return; }
    list[next].focus();
    list[next].scrollIntoView({ block: "start" });
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    if (event.key === "j") { move(1); event.preventDefault(); }
    if (event.key === "k") { move(-1); event.preventDefault(); }
  });
}());
