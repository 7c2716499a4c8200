// Veille IA — raccourcis clavier de la boîte de tri (amélioration facultative :
// tout fonctionne sans JavaScript). j / k : article suivant / précédent ;
// s : retenir ; x : écarter ; u : remettre à trier ; o : ouvrir ; e : étiquettes ;
// c : commentaire ; ? : aide.
(function () {
  "use strict";
  function cards() {
    return Array.prototype.slice.call(document.querySelectorAll("article.card[data-card]"));
  }
  function typing(target) {
    var name = target && target.tagName;
    return name === "INPUT" || name === "TEXTAREA" || name === "SELECT" || (target && target.isContentEditable);
  }
  function current() {
    var list = cards();
    var index = list.indexOf(document.activeElement);
    return index === -1 ? null : list[index];
  }
  function move(step) {
    var list = cards();
    if (!list.length) { return; }
    var index = list.indexOf(document.activeElement);
    var next = index === -1 ? (step > 0 ? 0 : list.length - 1) : index + step;
    if (next < 0 || next >= list.length) { return; }
    list[next].focus();
    list[next].scrollIntoView({ block: "start" });
  }
  function submit(card, ending) {
    var form = card.querySelector('form[action$="' + ending + '"]');
    if (form) { form.requestSubmit(); }
  }
  var actions = {
    s: function (card) { submit(card, "/select"); },
    x: function (card) { submit(card, "/reject"); },
    u: function (card) { submit(card, "/reset"); },
    o: function (card) { var link = card.querySelector("h2 a"); if (link) { window.open(link.href, "_blank", "noopener"); } },
    e: function (card) {
      var box = card.querySelector("details.labels-editor");
      if (box) { box.open = true; var first = box.querySelector("input[type=checkbox]"); if (first) { first.focus(); } }
    },
    c: function (card) { var text = card.querySelector("textarea[name=comment]"); if (text) { text.focus(); } }
  };
  function toggleHelp() {
    var help = document.getElementById("raccourcis");
    if (help) { help.hidden = !help.hidden; }
  }
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    if (event.key === "j") { move(1); event.preventDefault(); return; }
    if (event.key === "k") { move(-1); event.preventDefault(); return; }
    if (event.key === "?") { toggleHelp(); event.preventDefault(); return; }
    var card = current();
    if (card && actions[event.key]) { actions[event.key](card); event.preventDefault(); }
  });
  // Back from an action (…#article-12): the card acted on has the focus again.
  document.addEventListener("DOMContentLoaded", function () {
    var match = /^#article-\d+$/.exec(window.location.hash);
    var card = match && document.querySelector(match[0] + "[data-card]");
    if (card) { card.focus(); }
  });
}());
