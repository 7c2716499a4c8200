// Veille IA — la boîte de tri au clavier, sans rechargement de page.
// Sans JavaScript, tout fonctionne aussi : chaque formulaire est envoyé et la
// page revient. Avec, les formulaires partent par fetch (jeton CSRF compris),
// le serveur répond en JSON les lignes modifiées, qui remplacent les anciennes
// sur place ; la ligne d'état (role=status) dit ce qui s'est passé.
// j / k : article suivant / précédent ; Entrée : déplier ; s : retenir ;
// x : écarter ; r : remettre à trier ; u : annuler ; Maj+X : écarter les
// articles à trier de la page ; Espace ou m : cocher ; o : ouvrir ;
// e : étiquettes ; c : commentaire ; ? : aide.
(function () {
  "use strict";
  var undoStack = [];

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("[data-card]")); }
  function rowsBox() { return document.querySelector("[data-rows]"); }
  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest("[data-card]") : null;
  }
  function typing(target) {
    var name = target && target.tagName;
    if (name === "INPUT" && /^(checkbox|radio)$/.test(target.type)) { return false; }
    return name === "INPUT" || name === "TEXTAREA" || name === "SELECT" || (target && target.isContentEditable);
  }
  function token() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }
  function announce(message) {
    var status = document.getElementById("inbox-status");
    if (status) { status.textContent = message; }
  }

  function focusRow(row) {
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    var list = rows();
    if (!list.length) { return; }
    var index = list.indexOf(current());
    var next = index === -1 ? (step > 0 ? 0 : list.length - 1) : index + step;
    if (next >= 0 && next < list.length) { focusRow(list[next]); }
  }

  function setOpen(row, open) {
    var more = row.querySelector(".row-more");
    var toggle = row.querySelector(".more-toggle");
    if (!more) { return; }
    more.hidden = !open;
    row.classList.toggle("is-open", open);
    if (toggle) { toggle.setAttribute("aria-expanded", open ? "true" : "false"); }
  }
  function isOpen(row) {
    var more = row.querySelector(".row-more");
    return Boolean(more && !more.hidden);
  }

  function pickedCount() {
    var count = document.querySelectorAll("[data-card] .pick:checked").length;
    var label = document.querySelector("[data-picked]");
    if (label) {
      label.textContent = count === 0 ? "Articles cochés :" :
        count + " article" + (count > 1 ? "s cochés" : " coché") + " :";
    }
    rows().forEach(function (row) {
      var box = row.querySelector(".pick");
      row.classList.toggle("is-picked", Boolean(box && box.checked));
    });
  }
  function togglePick(row) {
    var box = row.querySelector(".pick");
    if (box) { box.checked = !box.checked; pickedCount(); }
  }

  function replaceRow(data, keepPick) {
    var old = document.getElementById("article-" + data.id);
    if (!old) { return; }
    var holder = document.createElement("template");
    holder.innerHTML = data.html.trim();
    var row = holder.content.firstElementChild;
    var hadFocus = old.contains(document.activeElement);
    var picked = old.querySelector(".pick");
    setup(row);
    setOpen(row, isOpen(old));
    if (keepPick && picked) { row.querySelector(".pick").checked = picked.checked; }
    old.replaceWith(row);
    if (hadFocus) { row.focus({ preventScroll: true }); }
  }

  function updateCounts(counts) {
    document.querySelectorAll("[data-count]").forEach(function (count) {
      count.textContent = String(counts[count.getAttribute("data-count")] || 0);
    });
  }

  function post(url, body, headers) {
    headers.Accept = "application/json";
    headers["X-CSRF-Token"] = token();
    return fetch(url, { method: "POST", body: body, headers: headers, credentials: "same-origin" })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          throw new Error("Réponse inattendue du serveur (" + response.status + ") : rechargez la page.");
        }
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error(data.message || "Action refusée."); }
          return data;
        });
      });
  }

  function settle(promise, options) {
    return promise.then(function (data) {
      (data.rows || []).forEach(function (row) { replaceRow(row, !options.bulk); });
      if (options.bulk) { pickedCount(); }
      if (data.counts) { updateCounts(data.counts); }
      var line = document.querySelector("[data-edition-line]");
      if (line && data.edition) { line.innerHTML = data.edition; }
      var message = data.message;
      if (options.undoable && data.undo && data.undo.length) {
        undoStack.push(data.undo);
        message += " (u : annuler)";
      }
      announce(message);
    }).catch(function (error) { announce(error.message); });
  }

  function sendForm(form, submitter) {
    var body = new FormData(form, submitter);
    if (form.hasAttribute("data-reject-page")) {
      body.delete("ids");
      untriaged().forEach(function (row) { body.append("ids", row.getAttribute("data-id")); });
    }
    var bulk = form.id === "bulk";
    var undoable = !/\/labels$/.test(form.getAttribute("action"));
    // getAttribute: a field named "action" hides the form's own property.
    return settle(post(form.getAttribute("action"), body, {}), { bulk: bulk, undoable: undoable });
  }

  function untriaged() {
    return rows().filter(function (row) { return row.getAttribute("data-status") === "new"; });
  }

  function undo() {
    var states = undoStack.pop();
    if (!states) { announce("Rien à annuler."); return; }
    var box = rowsBox();
    var body = JSON.stringify({
      week: box ? box.getAttribute("data-week") : "",
      back: box ? box.getAttribute("data-back") : "/",
      states: states
    });
    settle(post("/articles/restore", body, { "Content-Type": "application/json" }), { bulk: false, undoable: false });
  }

  function rejectPage() {
    var form = document.querySelector("form[data-reject-page]");
    if (!form || !untriaged().length) { announce("Aucun article à trier sur cette page."); return; }
    sendForm(form, null);
  }

  function submitRow(row, ending, missing) {
    var form = row.querySelector('form[action$="' + ending + '"]');
    if (form) { sendForm(form, null); } else { announce(missing); }
  }

  var actions = {
    s: function (row) { submitRow(row, "/select", ""); },
    x: function (row) { submitRow(row, "/reject", "Cet article est déjà écarté."); },
    r: function (row) { submitRow(row, "/reset", "Cet article est déjà à trier."); },
    m: togglePick,
    " ": togglePick,
    o: function (row) { var link = row.querySelector("h2 a"); if (link) { window.open(link.href, "_blank", "noopener"); } },
    e: function (row) {
      setOpen(row, true);
      var box = row.querySelector("details.labels-editor");
      if (box) { box.open = true; var first = box.querySelector("input[type=checkbox]"); if (first) { first.focus(); } }
    },
    c: function (row) {
      setOpen(row, true);
      var text = row.querySelector("textarea[name=comment]");
      if (text) { text.focus(); }
    },
    Enter: function (row) { setOpen(row, !isOpen(row)); }
  };

  function toggleHelp() {
    var help = document.getElementById("raccourcis");
    if (help) { help.hidden = !help.hidden; }
  }

  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    var key = event.key;
    if (key === "j" || key === "k") { move(key === "j" ? 1 : -1); event.preventDefault(); return; }
    if (key === "?") { toggleHelp(); event.preventDefault(); return; }
    if (key === "u") { undo(); event.preventDefault(); return; }
    if (key === "X" && event.shiftKey) { rejectPage(); event.preventDefault(); return; }
    var row = current();
    if (!row || !actions[key]) { return; }
    // Enter and Space belong to the focused link or button, not to the row.
    if ((key === "Enter" || key === " ") && event.target !== row) { return; }
    actions[key](row);
    event.preventDefault();
  }

  function onClick(event) {
    var toggle = event.target.closest(".more-toggle");
    var line = event.target.closest(".row-line");
    if (!line) { return; }
    var row = line.closest("[data-card]");
    if (toggle) { event.preventDefault(); setOpen(row, !isOpen(row)); return; }
    if (event.target.closest("a, button, input, label, select, textarea")) { return; }
    setOpen(row, !isOpen(row));
    row.focus({ preventScroll: true });
  }

  function onSubmit(event) {
    var form = event.target;
    var inbox = form.id === "bulk" || form.hasAttribute("data-reject-page") || form.closest("[data-card]");
    if (!inbox) { return; }
    event.preventDefault();
    sendForm(form, event.submitter || null);
  }

  function setup(row) {
    var toggle = row.querySelector(".more-toggle");
    if (toggle) { toggle.setAttribute("role", "button"); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!rowsBox()) { return; }
    rows().forEach(setup);
    var all = document.querySelector("[data-pick-all]");
    if (all) {
      all.closest("label").hidden = false;
      all.addEventListener("change", function () {
        rows().forEach(function (row) { var box = row.querySelector(".pick"); if (box) { box.checked = all.checked; } });
        pickedCount();
      });
    }
    document.addEventListener("keydown", onKey);
    document.addEventListener("click", onClick);
    document.addEventListener("submit", onSubmit);
    document.addEventListener("change", function (event) {
      if (event.target.classList && event.target.classList.contains("pick")) { pickedCount(); }
    });
    // Back from an action without JavaScript (…#article-12): that row has the focus again.
    var match = /^#article-\d+$/.exec(window.location.hash);
    var row = match && document.querySelector(match[0] + "[data-card]");
    if (row) { row.focus(); }
  });
}());
